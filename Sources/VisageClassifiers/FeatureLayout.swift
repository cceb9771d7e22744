import VisageCore

/// How a classifier's feature vector is made: one or more embedding types, each with its
/// dimensions, each L2-normalised on its own and concatenated in `EmbeddingType`'s fixed order.
/// Normalising each part keeps a 512-d face embedding from outweighing a 384-d DINOv2 one only
/// by its length, and makes vectors from any source (a model here, a client's raw embedding)
/// comparable.
public struct FeatureLayout: Sendable, Equatable {
    public let types: [EmbeddingType]
    /// `dimensions[i]` is the length of `types[i]`'s part.
    public let dimensions: [Int]

    /// `types` in any order, without repeats; `dimensions` by type.
    public init(dimensions byType: [EmbeddingType: Int]) throws {
        guard !byType.isEmpty else { throw VisageError(.invalidRequest, "a classifier needs at least one embedding type") }
        types = byType.keys.sorted()
        dimensions = types.map { byType[$0]! }
        for (type, count) in zip(types, dimensions) where !(1...ClassifierLimits.maxDimensions).contains(count) {
            throw VisageError(
                .invalidRequest, "a \(type.rawValue) embedding has \(count) values; 1 to \(ClassifierLimits.maxDimensions) are allowed")
        }
    }

    /// The types in the fixed order, refusing repeats and an empty list.
    public static func orderedTypes(_ types: [EmbeddingType]) throws -> [EmbeddingType] {
        guard !types.isEmpty else { throw VisageError(.invalidRequest, "embedding must name at least one embedding type") }
        guard Set(types).count == types.count else { throw VisageError(.invalidRequest, "embedding names a type twice") }
        return types.sorted()
    }

    public var featureCount: Int { dimensions.reduce(0, +) }

    /// The feature vector of one example: each part checked against its dimensions, finite, not
    /// all zero, normalised, concatenated. `parts` must hold every type of the layout.
    public func features(_ parts: [EmbeddingType: [Float]]) throws -> [Double] {
        var features: [Double] = []
        features.reserveCapacity(featureCount)
        for (type, count) in zip(types, dimensions) {
            guard let part = parts[type] else { throw VisageError(.invalidRequest, "the \(type.rawValue) embedding is missing") }
            guard part.count == count else {
                throw VisageError(
                    .invalidRequest, "a \(type.rawValue) embedding has \(part.count) values where this classifier's have \(count)")
            }
            features += try Self.normalised(part, type: type)
        }
        return features
    }

    static func normalised(_ vector: [Float], type: EmbeddingType) throws -> [Double] {
        let values = vector.map(Double.init)
        guard values.allSatisfy(\.isFinite) else {
            throw VisageError(.invalidRequest, "a \(type.rawValue) embedding holds a value that is not a finite number")
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { throw VisageError(.invalidRequest, "a \(type.rawValue) embedding is all zeros") }
        return values.map { $0 / norm }
    }
}

/// What one training request may hold: the server faces the network, and every example costs
/// memory (and, for an image, a model run).
public enum ClassifierLimits {
    /// Positives and negatives together.
    public static let maxExamples = 5000
    /// Examples given as images (`image_url`, `image_base64`, `image_path`): each runs models.
    public static let maxImageExamples = 500
    /// Values in one embedding of one type.
    public static let maxDimensions = 4096
    /// Versions kept per collection: the best by macro precision.
    public static let keptVersions = 10
}
