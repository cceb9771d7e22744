import VisageCore

/// An operator's changes to a model's clustering thresholds (as Immich's admins can change
/// theirs), applied on top of `ClusteringParameters.forModel`. Read from the environment:
///
/// | variable | parameter | range |
/// |---|---|---|
/// | `VISAGE_CLUSTER_SIMILARITY` | `neighborSimilarity` | 0...1 |
/// | `VISAGE_CLUSTER_JOIN_SIMILARITY` | `joinSimilarity` | 0...1 |
/// | `VISAGE_CLUSTER_GROUP_SIMILARITY` | `groupSimilarity` | -1...1 |
/// | `VISAGE_CLUSTER_MIN_FACES` | `minNeighbors` | 1...100 |
/// | `VISAGE_CLUSTER_MIN_QUALITY` | `minQuality` | 0...1 |
public struct ClusteringOverrides: Sendable, Equatable {
    public var neighborSimilarity: Float?
    public var joinSimilarity: Float?
    public var groupSimilarity: Float?
    public var minNeighbors: Int?
    public var minQuality: Double?

    public init(
        neighborSimilarity: Float? = nil, joinSimilarity: Float? = nil, groupSimilarity: Float? = nil, minNeighbors: Int? = nil,
        minQuality: Double? = nil
    ) {
        self.neighborSimilarity = neighborSimilarity
        self.joinSimilarity = joinSimilarity
        self.groupSimilarity = groupSimilarity
        self.minNeighbors = minNeighbors
        self.minQuality = minQuality
    }

    /// Throws `invalid_configuration` naming a variable that does not parse or is out of range.
    public static func fromEnvironment(_ settings: EnvironmentSettings = EnvironmentSettings()) throws -> ClusteringOverrides {
        ClusteringOverrides(
            neighborSimilarity: try settings.number("VISAGE_CLUSTER_SIMILARITY", in: 0...1).map { Float($0) },
            joinSimilarity: try settings.number("VISAGE_CLUSTER_JOIN_SIMILARITY", in: 0...1).map { Float($0) },
            groupSimilarity: try settings.number("VISAGE_CLUSTER_GROUP_SIMILARITY", in: -1...1).map { Float($0) },
            minNeighbors: try settings.integer("VISAGE_CLUSTER_MIN_FACES", in: 1...100),
            minQuality: try settings.number("VISAGE_CLUSTER_MIN_QUALITY", in: 0...1))
    }

    /// `defaults` with every override set here. A join threshold above the strong one is
    /// capped there (the fallback can only be more lenient than a strong link).
    public func applied(to defaults: ClusteringParameters) -> ClusteringParameters {
        var result = defaults
        if let neighborSimilarity { result.neighborSimilarity = neighborSimilarity }
        if let joinSimilarity { result.joinSimilarity = joinSimilarity }
        if let groupSimilarity { result.groupSimilarity = groupSimilarity }
        if let minNeighbors { result.minNeighbors = minNeighbors }
        if let minQuality { result.minQuality = minQuality }
        result.joinSimilarity = min(result.joinSimilarity, result.neighborSimilarity)
        return result
    }
}
