import Foundation
import VisageClassifiers
import VisageCore
import VisageTasks

/// The body of `POST /classifiers/{collection_id}/train`: `embedding` (a type or a list of types),
/// `positives` and `negatives` (lists of examples), and optional `holdout_fraction` (0.05 to 0.5,
/// default 0.2), `seed` (0 or more, default 0), `regularization` (default 0.01), `target` and
/// `face_context` (where image examples are embedded, as in seed 001's tasks).
struct TrainClassifierBody: ImageRequestBody {
    let types: [EmbeddingType]
    let positives: [TrainingExample]
    let negatives: [TrainingExample]
    let settings: TrainingSettings
    let target: TaskTarget
    let faceContext: FaceContext

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        types = try FeatureLayout.orderedTypes(try Self.types(fields))
        positives = try Self.examples(fields, "positives")
        negatives = try Self.examples(fields, "negatives")
        let total = positives.count + negatives.count
        guard total <= ClassifierLimits.maxExamples else {
            throw VisageError(.invalidRequest, "\(total) examples were sent; at most \(ClassifierLimits.maxExamples) are allowed")
        }
        let images = (positives + negatives).filter(\.isImage).count
        guard images <= ClassifierLimits.maxImageExamples else {
            throw VisageError(
                .invalidRequest, "\(images) examples are images; at most \(ClassifierLimits.maxImageExamples) are allowed in one request")
        }
        let seed = try fields.integer("seed") ?? 0
        guard seed >= 0 else { throw VisageError(.invalidRequest, "seed must be 0 or more") }
        settings = TrainingSettings(
            heldOutFraction: try fields.number("holdout_fraction") ?? TrainingSettings.defaultHeldOutFraction, seed: UInt64(seed),
            regularization: try fields.number("regularization") ?? LogisticRegression.defaultRegularization)
        target =
            try fields.text("target").map { name in
                guard let target = TaskTarget(rawValue: name) else {
                    throw VisageError(.invalidRequest, "target must be one of \(TaskTarget.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return target
            } ?? .wholeImage
        faceContext =
            try fields.text("face_context").map { name in
                guard let context = FaceContext(rawValue: name) else {
                    throw VisageError(.invalidRequest, "face_context must be one of prominent_person, whole_image")
                }
                return context
            } ?? .prominentPerson
    }

    private static func types(_ fields: KeyedDecodingContainer<FieldKey>) throws -> [EmbeddingType] {
        let key = FieldKey("embedding")
        if let name = try? fields.decode(String.self, forKey: key) { return [try EmbeddingType(parsing: name)] }
        if let names = try? fields.decode([String].self, forKey: key) {
            guard names.count <= EmbeddingType.allCases.count else {
                throw VisageError(.invalidRequest, "embedding names \(names.count) types; there are \(EmbeddingType.allCases.count)")
            }
            return try names.map(EmbeddingType.init(parsing:))
        }
        throw VisageError(
            .invalidRequest,
            "embedding is required: an embedding type or a list of them (\(EmbeddingType.allCases.map(\.rawValue).joined(separator: ", ")))")
    }

    private static func examples(_ fields: KeyedDecodingContainer<FieldKey>, _ name: String) throws -> [TrainingExample] {
        let key = FieldKey(name)
        guard fields.contains(key), (try? fields.decodeNil(forKey: key)) != true else {
            throw VisageError(.invalidRequest, "\(name) is required: a list of examples")
        }
        return try fields.decode(TrainingExampleList.self, forKey: key).examples
    }
}
