import Foundation
import VisageClassifiers
import VisageCore
import VisageStorage

/// A stored version with what it means: its classifier, its held-out metrics, whether it serves.
public struct ClassifierVersionInfo: Sendable, Equatable {
    public let collectionID: Int64
    public let version: Int
    public let classifier: BinaryClassifier
    public let metrics: ClassifierMetrics
    public let regularization: Double
    public let heldOutFraction: Double
    public let seed: UInt64
    public let createdAt: Date
    public let serving: Bool
}

/// A collection's kept versions, best first (the first serves).
public struct ClassifierCollectionInfo: Sendable, Equatable {
    public let collectionID: Int64
    public let versions: [ClassifierVersionInfo]

    public var servingVersion: Int { versions[0].version }
}

/// What a training run left: the new version, and the versions pruned to keep the best ten.
public struct TrainedClassifierVersion: Sendable {
    public let version: ClassifierVersionInfo
    public let servingVersion: Int
    public let discardedVersions: [Int]
}

/// Issue 14's collection classifiers over a `ClassifierStore`: train a new version, list them,
/// and the version that serves `classify`. Nothing is cached: every answer is the store's, so a
/// version trained by `visage classifiers train` serves a running server's next request.
public final class ClassifierLibrary: Sendable {
    public let store: any ClassifierStore

    public init(store: any ClassifierStore) {
        self.store = store
    }

    /// Trains on the examples' embeddings (by type), stores the result as the collection's next
    /// version and prunes to the ten best, in one transaction.
    public func train(
        collectionID: Int64, types: [EmbeddingType], positives: [[EmbeddingType: [Float]]], negatives: [[EmbeddingType: [Float]]],
        settings: TrainingSettings
    ) throws -> TrainedClassifierVersion {
        try Self.checkCollectionID(collectionID)
        let outcome = try ClassifierTrainer.train(positives: positives, negatives: negatives, types: types, settings: settings)
        let classifier = outcome.classifier, metrics = outcome.metrics
        let new = StoredClassifierVersion(
            collectionID: collectionID, version: 0, embeddingTypes: classifier.layout.types.map(\.rawValue),
            dimensions: classifier.layout.dimensions, weights: classifier.weights, bias: classifier.bias, threshold: classifier.threshold,
            regularization: settings.regularization, heldOutFraction: settings.heldOutFraction, seed: settings.seed,
            counts: ClassifierCounts(
                trainingPositives: metrics.trainingPositives, trainingNegatives: metrics.trainingNegatives,
                truePositives: metrics.truePositives, falsePositives: metrics.falsePositives, trueNegatives: metrics.trueNegatives,
                falseNegatives: metrics.falseNegatives),
            macroPrecision: metrics.macroPrecision, createdAt: Date())
        let (stored, discarded) = try store.addClassifierVersion(new) { standings in
            ClassifierVersioning.discarded(standings.map { .init(version: $0.version, macroPrecision: $0.macroPrecision) })
        }
        let collection = try collection(collectionID)
        guard let info = collection.versions.first(where: { $0.version == stored.version }) else {
            // Pruned at once: ten better versions were kept.
            return TrainedClassifierVersion(
                version: try Self.info(stored, serving: false), servingVersion: collection.servingVersion, discardedVersions: discarded)
        }
        return TrainedClassifierVersion(version: info, servingVersion: collection.servingVersion, discardedVersions: discarded)
    }

    /// Every collection with a classifier, by id.
    public func collections() throws -> [ClassifierCollectionInfo] {
        let stored = try store.classifierVersions(collectionID: nil)
        return try Dictionary(grouping: stored, by: \.collectionID).keys.sorted().map { id in
            try Self.collection(id, stored.filter { $0.collectionID == id })
        }
    }

    /// One collection's versions; `classifier_not_found` when it has none.
    public func collection(_ collectionID: Int64) throws -> ClassifierCollectionInfo {
        try Self.collection(collectionID, try store.classifierVersions(collectionID: collectionID))
    }

    /// The classifier that serves `classify` for the collection; `classifier_not_found` when none.
    public func serving(_ collectionID: Int64) throws -> BinaryClassifier {
        try collection(collectionID).versions[0].classifier
    }

    /// Deletes every version; `classifier_not_found` when there were none.
    public func delete(_ collectionID: Int64) throws -> Int {
        let count = try store.deleteClassifier(collectionID: collectionID)
        guard count > 0 else { throw Self.notFound(collectionID) }
        return count
    }

    /// Whether any collection has a classifier.
    public func isEmpty() throws -> Bool {
        try store.classifierCollectionCount() == 0
    }

    public static func checkCollectionID(_ id: Int64) throws {
        guard id >= 0 else { throw VisageError(.invalidRequest, "collection_id must be an integer of 0 or more, not \(id)") }
    }

    static func notFound(_ collectionID: Int64) -> VisageError {
        VisageError(
            .classifierNotFound,
            "no classifier is trained for collection_id \(collectionID): train one with POST /classifiers/\(collectionID)/train "
                + "or `visage classifiers train --collection \(collectionID)`")
    }

    private static func collection(_ collectionID: Int64, _ stored: [StoredClassifierVersion]) throws -> ClassifierCollectionInfo {
        let ranked = ClassifierVersioning.ranked(stored.map { .init(version: $0.version, macroPrecision: $0.macroPrecision) })
        guard let best = ranked.first else { throw notFound(collectionID) }
        let byVersion = Dictionary(uniqueKeysWithValues: stored.map { ($0.version, $0) })
        return ClassifierCollectionInfo(
            collectionID: collectionID,
            versions: try ranked.map { try info(byVersion[$0.version]!, serving: $0.version == best.version) })
    }

    private static func info(_ stored: StoredClassifierVersion, serving: Bool) throws -> ClassifierVersionInfo {
        let types = try stored.embeddingTypes.map { name in
            guard let type = EmbeddingType(rawValue: name) else {
                throw VisageError(.storeCorrupt, "classifier \(stored.collectionID) version \(stored.version) names the embedding type '\(name)'")
            }
            return type
        }
        guard types.count == stored.dimensions.count, types == types.sorted() else {
            throw VisageError(.storeCorrupt, "classifier \(stored.collectionID) version \(stored.version) has a malformed layout")
        }
        let layout = try FeatureLayout(dimensions: Dictionary(uniqueKeysWithValues: zip(types, stored.dimensions)))
        let counts = stored.counts
        return ClassifierVersionInfo(
            collectionID: stored.collectionID, version: stored.version,
            classifier: BinaryClassifier(layout: layout, weights: stored.weights, bias: stored.bias, threshold: stored.threshold),
            metrics: ClassifierMetrics(
                trainingPositives: counts.trainingPositives, trainingNegatives: counts.trainingNegatives,
                truePositives: counts.truePositives, falsePositives: counts.falsePositives, trueNegatives: counts.trueNegatives,
                falseNegatives: counts.falseNegatives),
            regularization: stored.regularization, heldOutFraction: stored.heldOutFraction, seed: stored.seed, createdAt: stored.createdAt,
            serving: serving)
    }
}
