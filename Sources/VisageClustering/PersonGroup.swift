/// A set of faces that may become one person, with what forbids merging it with another group.
/// Used by the union-find in `DensityClustering`.
struct PersonGroup {
    var members: [Int]  // indices into the node array
    var imageIDs: Set<String>
    var identity: String?
    var forbiddenIdentities: Set<String>
    /// Sum of the members' (normalised) embeddings: the mean similarity between two groups is
    /// the dot product of their sums over the product of their sizes, in O(dimensions).
    var embeddingSum: [Float]

    init(node: FaceNode, index: Int) {
        members = [index]
        imageIDs = [node.imageID]
        identity = node.identity
        forbiddenIdentities = node.forbiddenIdentities
        embeddingSum = node.embedding
    }

    /// Mean cosine similarity over every pair of a face of this group and a face of `other`.
    func meanSimilarity(to other: PersonGroup) -> Float {
        guard embeddingSum.count == other.embeddingSum.count else { return 0 }
        var dot: Float = 0
        for k in embeddingSum.indices { dot += embeddingSum[k] * other.embeddingSum[k] }
        return dot / Float(members.count * other.members.count)
    }

    /// Whether the two groups may be one person: no photo in common, no two different identities,
    /// and neither identity forbidden to the other.
    func canMerge(with other: PersonGroup) -> Bool {
        if !imageIDs.isDisjoint(with: other.imageIDs) { return false }
        if let a = identity, let b = other.identity, a != b { return false }
        if let a = identity, other.forbiddenIdentities.contains(a) { return false }
        if let b = other.identity, forbiddenIdentities.contains(b) { return false }
        return true
    }

    mutating func absorb(_ other: PersonGroup) {
        members += other.members
        if embeddingSum.count == other.embeddingSum.count {
            for k in embeddingSum.indices { embeddingSum[k] += other.embeddingSum[k] }
        }
        imageIDs.formUnion(other.imageIDs)
        identity = identity ?? other.identity
        forbiddenIdentities.formUnion(other.forbiddenIdentities)
    }
}
