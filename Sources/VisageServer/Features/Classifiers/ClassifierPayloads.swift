import Foundation
import VisageClassifiers
import VisageTasks

/// One version of a collection's classifier: how it was trained, how it did on its held-out
/// split, and whether it serves `classify`.
public struct ClassifierVersionPayload: Encodable {
    let version: Int
    let serving: Bool
    let createdAt: String
    let embedding: [String]
    let dimensions: [Int]
    let threshold: Double
    let regularization: Double
    let holdoutFraction: Double
    let seed: UInt64
    let metrics: ClassifierMetricsPayload

    init(_ info: ClassifierVersionInfo) {
        (version, serving, createdAt) = (info.version, info.serving, info.createdAt.formatted(Date.ISO8601FormatStyle()))
        embedding = info.classifier.layout.types.map(\.rawValue)
        dimensions = info.classifier.layout.dimensions
        (threshold, regularization, holdoutFraction, seed) = (info.classifier.threshold, info.regularization, info.heldOutFraction, info.seed)
        metrics = ClassifierMetricsPayload(info.metrics)
    }

    enum CodingKeys: String, CodingKey {
        case version, serving, embedding, dimensions, threshold, regularization, seed, metrics
        case createdAt = "created_at", holdoutFraction = "holdout_fraction"
    }
}

/// The held-out metrics: per class precision and recall, macro precision (which picks the serving
/// version), accuracy, and the counts they come from.
public struct ClassifierMetricsPayload: Encodable {
    public struct ClassScores: Encodable {
        let precision: Double
        let recall: Double
    }

    public struct Counts: Encodable {
        let trainingPositives, trainingNegatives, heldOutPositives, heldOutNegatives: Int
        let truePositives, falsePositives, trueNegatives, falseNegatives: Int

        enum CodingKeys: String, CodingKey {
            case trainingPositives = "training_positives", trainingNegatives = "training_negatives"
            case heldOutPositives = "held_out_positives", heldOutNegatives = "held_out_negatives"
            case truePositives = "true_positives", falsePositives = "false_positives"
            case trueNegatives = "true_negatives", falseNegatives = "false_negatives"
        }
    }

    let macroPrecision: Double
    let accuracy: Double
    let positive: ClassScores
    let negative: ClassScores
    let counts: Counts

    init(_ metrics: ClassifierMetrics) {
        macroPrecision = metrics.macroPrecision
        accuracy = metrics.accuracy
        positive = ClassScores(precision: metrics.positivePrecision, recall: metrics.positiveRecall)
        negative = ClassScores(precision: metrics.negativePrecision, recall: metrics.negativeRecall)
        counts = Counts(
            trainingPositives: metrics.trainingPositives, trainingNegatives: metrics.trainingNegatives,
            heldOutPositives: metrics.heldOutPositives, heldOutNegatives: metrics.heldOutNegatives, truePositives: metrics.truePositives,
            falsePositives: metrics.falsePositives, trueNegatives: metrics.trueNegatives, falseNegatives: metrics.falseNegatives)
    }

    enum CodingKeys: String, CodingKey {
        case accuracy, positive, negative, counts
        case macroPrecision = "macro_precision"
    }
}

/// A collection's kept versions, best first.
public struct ClassifierCollectionPayload: Encodable {
    let collectionID: Int64
    let servingVersion: Int
    let versions: [ClassifierVersionPayload]

    public init(_ info: ClassifierCollectionInfo) {
        (collectionID, servingVersion, versions) = (info.collectionID, info.servingVersion, info.versions.map(ClassifierVersionPayload.init))
    }

    enum CodingKeys: String, CodingKey {
        case versions
        case collectionID = "collection_id", servingVersion = "serving_version"
    }
}

/// `GET /classifiers`.
public struct ClassifierListPayload: Encodable {
    let classifiers: [ClassifierCollectionPayload]

    public init(_ collections: [ClassifierCollectionInfo]) {
        classifiers = collections.map(ClassifierCollectionPayload.init)
    }
}

/// `POST /classifiers/{collection_id}/train`: the new version (with `serving`), the version that
/// serves now, and the versions deleted to keep the ten best.
public struct TrainedClassifierPayload: Encodable {
    let collectionID: Int64
    let version: ClassifierVersionPayload
    let servingVersion: Int
    let discardedVersions: [Int]

    public init(collectionID: Int64, _ trained: TrainedClassifierVersion) {
        self.collectionID = collectionID
        version = ClassifierVersionPayload(trained.version)
        servingVersion = trained.servingVersion
        discardedVersions = trained.discardedVersions
    }

    enum CodingKeys: String, CodingKey {
        case version
        case collectionID = "collection_id", servingVersion = "serving_version", discardedVersions = "discarded_versions"
    }
}

/// `DELETE /classifiers/{collection_id}`.
public struct DeletedClassifierPayload: Encodable {
    let collectionID: Int64
    let deletedVersions: Int

    enum CodingKeys: String, CodingKey { case collectionID = "collection_id", deletedVersions = "deleted_versions" }
}
