import Foundation

/// One stored version of a collection's classifier (issue 14's `classify`): logistic-regression
/// weights over the named embedding types (each `dimensions[i]` long, concatenated in order),
/// with the settings it was trained with and its held-out counts. Plain values: the maths lives
/// in `VisageClassifiers`.
public struct StoredClassifierVersion: Sendable, Equatable {
    public var collectionID: Int64
    public var version: Int
    public var embeddingTypes: [String]
    public var dimensions: [Int]
    public var weights: [Float]
    public var bias: Double
    public var threshold: Double
    public var regularization: Double
    public var heldOutFraction: Double
    public var seed: UInt64
    public var counts: ClassifierCounts
    /// Stored beside the counts it comes from, so the store can rank versions without the maths.
    public var macroPrecision: Double
    public var createdAt: Date

    public init(
        collectionID: Int64, version: Int, embeddingTypes: [String], dimensions: [Int], weights: [Float], bias: Double,
        threshold: Double, regularization: Double, heldOutFraction: Double, seed: UInt64, counts: ClassifierCounts,
        macroPrecision: Double, createdAt: Date
    ) {
        self.collectionID = collectionID
        self.version = version
        self.embeddingTypes = embeddingTypes
        self.dimensions = dimensions
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.regularization = regularization
        self.heldOutFraction = heldOutFraction
        self.seed = seed
        self.counts = counts
        self.macroPrecision = macroPrecision
        self.createdAt = createdAt
    }
}

/// The examples a version was trained on and its confusion counts on the held-out split.
public struct ClassifierCounts: Sendable, Equatable {
    public var trainingPositives: Int
    public var trainingNegatives: Int
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(
        trainingPositives: Int, trainingNegatives: Int, truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int
    ) {
        self.trainingPositives = trainingPositives
        self.trainingNegatives = trainingNegatives
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }
}

/// A version and its rank among the collection's kept versions, as pruning sees them.
public struct ClassifierStanding: Sendable, Equatable {
    public var version: Int
    public var macroPrecision: Double

    public init(version: Int, macroPrecision: Double) {
        self.version = version
        self.macroPrecision = macroPrecision
    }
}

/// Where collection classifiers live. A training run is one transaction: the collection's next
/// version number (numbers only grow, even past deleted versions), the insert, and the pruning
/// the caller's rule decides.
public protocol ClassifierStore: Sendable {
    /// Stores `version` (its `version` and `createdAt` are assigned here) as the collection's
    /// next version, then deletes the versions `discard` names among all kept ones (the new one
    /// included). Returns the stored version and the numbers deleted.
    func addClassifierVersion(
        _ version: StoredClassifierVersion, discard: @Sendable ([ClassifierStanding]) -> [Int]
    ) throws -> (stored: StoredClassifierVersion, discarded: [Int])
    /// Every kept version, by collection then version; of one collection when `collectionID` is given.
    func classifierVersions(collectionID: Int64?) throws -> [StoredClassifierVersion]
    /// How many collections have a classifier: whether `classify` can answer anything at all.
    func classifierCollectionCount() throws -> Int
    /// Deletes the collection's versions and its version counter; how many versions there were.
    func deleteClassifier(collectionID: Int64) throws -> Int
}
