import VisageSearch

/// Where a newly seen face goes, decided from its nearest already-clustered neighbours.
public struct ClusterDecision: Sendable, Equatable {
    /// The existing person the face joins, or nil for a new person.
    public var clusterID: String?
    /// How many of the face's neighbours belong to that person.
    public var consensusCount: Int
    /// The neighbouring faces that agreed (best first).
    public var referenceFaceIDs: [Int64]
    /// Mean similarity of the agreeing neighbours (0 for a new person).
    public var confidence: Float

    public var isNewCluster: Bool { clusterID == nil }

    public init(clusterID: String?, consensusCount: Int, referenceFaceIDs: [Int64], confidence: Float) {
        self.clusterID = clusterID
        self.consensusCount = consensusCount
        self.referenceFaceIDs = referenceFaceIDs
        self.confidence = confidence
    }
}

/// Incremental clustering for one face at a time: the face joins the person most of its close
/// neighbours belong to, when at least `minNeighbors` agree (or all of a person's faces, for a
/// person seen fewer times than that). Failing that, it joins the person whose three most similar
/// faces are, on average, at least `joinThreshold(quality:)` alike (the best such person): a
/// degraded photo rarely reaches the strong threshold, but it stays closest to its own person. Otherwise
/// it starts a new person. People that already have a face from the same photo, or whose name
/// the face must not get, are skipped.
public struct IncrementalAssignment: Sendable {
    public var parameters: ClusteringParameters

    public init(parameters: ClusteringParameters) {
        self.parameters = parameters
    }

    /// - Parameters:
    ///   - neighbors: the face's nearest stored faces of the same model (from a `VectorIndex`),
    ///     best first: `personNeighborsExamined` of them; the first `neighborsExamined` vote.
    ///   - clusterOf: a stored face's person, if it has one.
    ///   - clusterSize: how many faces a person has.
    ///   - isAllowed: whether the face may join a person (same-photo and name constraints).
    ///   - quality: the face's `FaceQuality.score` (nil: unknown, treated as good).
    public func decide(
        neighbors: [Neighbor], clusterOf: (Int64) -> String?, clusterSize: (String) -> Int,
        isAllowed: (String) -> Bool, quality: Double? = nil
    ) -> ClusterDecision {
        var votes: [String: [Neighbor]] = [:]
        for neighbor in neighbors.prefix(parameters.neighborsExamined) where neighbor.similarity >= parameters.neighborSimilarity {
            guard let cluster = clusterOf(neighbor.id) else { continue }
            votes[cluster, default: []].append(neighbor)
        }
        let candidates = votes.filter { cluster, agreeing in
            isAllowed(cluster) && agreeing.count >= min(parameters.minNeighbors, clusterSize(cluster))
        }
        let best = candidates.max { a, b in
            if a.value.count != b.value.count { return a.value.count < b.value.count }
            let meanA = a.value.map(\.similarity).reduce(0, +) / Float(a.value.count)
            let meanB = b.value.map(\.similarity).reduce(0, +) / Float(b.value.count)
            return meanA != meanB ? meanA < meanB : a.key > b.key
        }
        guard let (cluster, agreeing) = best else {
            return closestPerson(
                neighbors: neighbors, clusterOf: clusterOf, clusterSize: clusterSize, isAllowed: isAllowed,
                threshold: parameters.joinThreshold(quality: quality))
                ?? ClusterDecision(clusterID: nil, consensusCount: 0, referenceFaceIDs: [], confidence: 0)
        }
        let confidence = agreeing.map(\.similarity).reduce(0, +) / Float(agreeing.count)
        return ClusterDecision(
            clusterID: cluster, consensusCount: agreeing.count,
            referenceFaceIDs: agreeing.map(\.id), confidence: confidence)
    }

    /// The person-level fallback: the allowed person with the highest mean similarity of its
    /// three closest faces (all of them, for a smaller person), if that reaches `threshold`.
    /// Members that are not among `neighbors` count as 0: the score never overstates the person.
    private func closestPerson(
        neighbors: [Neighbor], clusterOf: (Int64) -> String?, clusterSize: (String) -> Int, isAllowed: (String) -> Bool,
        threshold: Float
    ) -> ClusterDecision? {
        var members: [String: [Neighbor]] = [:]
        for neighbor in neighbors {
            if let cluster = clusterOf(neighbor.id) { members[cluster, default: []].append(neighbor) }
        }
        var ranked: [(cluster: String, top: [Neighbor], mean: Float)] = []
        for (cluster, faces) in members {
            let counted = max(1, min(3, clusterSize(cluster)))
            let top = Array(faces.prefix(counted))
            let mean = top.reduce(Float(0)) { $0 + $1.similarity } / Float(counted)
            if mean >= threshold { ranked.append((cluster, top, mean)) }
        }
        ranked.sort { $0.mean != $1.mean ? $0.mean > $1.mean : $0.cluster < $1.cluster }
        guard let (cluster, top, mean) = ranked.first(where: { isAllowed($0.cluster) }) else { return nil }
        return ClusterDecision(clusterID: cluster, consensusCount: top.count, referenceFaceIDs: top.map { $0.id }, confidence: mean)
    }
}
