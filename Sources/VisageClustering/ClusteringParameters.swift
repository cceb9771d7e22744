/// Thresholds for grouping faces, which depend on the embedding model: each model spreads
/// same-person and different-person similarities differently.
public struct ClusteringParameters: Sendable, Equatable {
    /// Two faces this similar (cosine) count as neighbours: likely the same person.
    public var neighborSimilarity: Float
    /// A face with at least this many neighbours is a core face of a person (the density
    /// condition). Also the consensus a new face needs to join an existing person.
    public var minNeighbors: Int
    /// How many nearest neighbours are examined per face.
    public var neighborsExamined: Int

    public init(neighborSimilarity: Float, minNeighbors: Int, neighborsExamined: Int = 20) {
        self.neighborSimilarity = neighborSimilarity
        self.minNeighbors = minNeighbors
        self.neighborsExamined = neighborsExamined
    }

    /// Defaults per embedder (file stem as in `models_used.face_embedding`). The lite embedder's
    /// threshold comes from a sweep on testdata/faces_identity (see docs/CLUSTERING.md); the
    /// others are first estimates from the models' published verification thresholds, to be
    /// measured when their weights are at hand. Unknown models get the ArcFace-family default.
    public static func forModel(_ model: String) -> ClusteringParameters {
        switch model {
        case "MobileFaceNet_paddlex_128d": return ClusteringParameters(neighborSimilarity: 0.5, minNeighbors: 2)
        case "face_recognition_sface_2021dec": return ClusteringParameters(neighborSimilarity: 0.36, minNeighbors: 2)
        case "w600k_r50", "w600k_mbf": return ClusteringParameters(neighborSimilarity: 0.35, minNeighbors: 2)
        default: return ClusteringParameters(neighborSimilarity: 0.4, minNeighbors: 2)
        }
    }
}
