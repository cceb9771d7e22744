/// Thresholds for grouping faces, which depend on the embedding model: each model spreads
/// same-person and different-person similarities differently. See docs/CLUSTERING.md for how the
/// lite model's values were measured.
public struct ClusteringParameters: Sendable, Equatable {
    /// Two faces this similar (cosine) count as neighbours: likely the same person. The strong
    /// links people are built from.
    public var neighborSimilarity: Float
    /// A face with at least this many neighbours is a core face of a person (the density
    /// condition). Also the consensus a new face needs to join an existing person.
    public var minNeighbors: Int
    /// How many nearest neighbours are examined per face for links and votes.
    public var neighborsExamined: Int
    /// A face with no strong link joins the person whose closest faces (the mean of its three
    /// most similar members) are at least this similar: degraded photos of a person fall below
    /// `neighborSimilarity` but stay closer to that person than to anyone else.
    public var joinSimilarity: Float
    /// Two groups of two or more faces are merged only when their faces are this similar on
    /// average (average linkage): a single strong link between two people no longer chains them.
    public var groupSimilarity: Float
    /// Faces whose `FaceQuality.score` is below this may join a person but never found one (as
    /// a core face) or bridge two.
    public var minQuality: Double
    /// How many nearest faces are examined for `joinSimilarity`.
    public var personNeighborsExamined: Int
    /// The calibrated verification threshold: two single faces at least this similar are called
    /// the same person (the accuracy-maximising threshold on clean photos where it was measured).
    /// Seed 004's deduplication uses it when the caller gives no `similarity_threshold`.
    public var samePersonSimilarity: Double

    public init(
        neighborSimilarity: Float, minNeighbors: Int, neighborsExamined: Int = 20, joinSimilarity: Float? = nil,
        groupSimilarity: Float? = nil, minQuality: Double = 0.3, personNeighborsExamined: Int = 50,
        samePersonSimilarity: Double = 0.4
    ) {
        self.neighborSimilarity = neighborSimilarity
        self.minNeighbors = minNeighbors
        self.neighborsExamined = neighborsExamined
        self.joinSimilarity = joinSimilarity ?? neighborSimilarity * 0.7
        self.groupSimilarity = groupSimilarity ?? neighborSimilarity * 0.6
        self.minQuality = minQuality
        self.personNeighborsExamined = personNeighborsExamined
        self.samePersonSimilarity = samePersonSimilarity
    }

    /// Defaults per embedder (file stem as in `models_used.face_embedding`). The lite embedder's
    /// values come from the people benchmark (`visage bench-people`, docs/CLUSTERING.md); the
    /// others are estimates from the models' published verification thresholds, scaled like the
    /// lite model's, to be measured when their weights are at hand. Unknown models get the
    /// ArcFace-family default.
    public static func forModel(_ model: String) -> ClusteringParameters {
        switch model {
        case "MobileFaceNet_paddlex_128d":
            return ClusteringParameters(
                neighborSimilarity: 0.5, minNeighbors: 2, joinSimilarity: 0.35, groupSimilarity: 0.3, samePersonSimilarity: 0.45)
        case "face_recognition_sface_2021dec":
            return ClusteringParameters(neighborSimilarity: 0.36, minNeighbors: 2, samePersonSimilarity: 0.363)
        case "w600k_r50", "w600k_mbf": return ClusteringParameters(neighborSimilarity: 0.35, minNeighbors: 2, samePersonSimilarity: 0.4)
        default: return ClusteringParameters(neighborSimilarity: 0.4, minNeighbors: 2, samePersonSimilarity: 0.4)
        }
    }

    /// The similarity a new face with no strong link needs to join a person, by its quality:
    /// `joinSimilarity` for a poor face, rising to `neighborSimilarity` for a perfect one (as
    /// the fourth power of the score). A clear face of a known person nearly always has a strong
    /// link; a clear face without one is more likely a look-alike than a degraded match, and
    /// joining by mistake is worse than waiting for more photos (measured in docs/CLUSTERING.md).
    public func joinThreshold(quality: Double?) -> Float {
        let q = Float(max(0, min(1, quality ?? 1)))
        return joinSimilarity + (neighborSimilarity - joinSimilarity) * q * q * q * q
    }

    /// Whether a face of this quality may found or bridge a person.
    public func isReliable(_ quality: Double?) -> Bool {
        (quality ?? 1) >= minQuality
    }
}
