/// A cluster's centroid: the mean of its members' embeddings, L2-normalised so it compares with
/// faces by dot product like any embedding.
public enum ClusterCentroid {
    /// nil for no members, or members that cancel out exactly.
    public static func of(_ embeddings: [[Float]]) -> [Float]? {
        guard let dimensions = embeddings.first?.count, dimensions > 0 else { return nil }
        // Summed in Double: thousands of members would otherwise lose the low bits.
        var sum = [Double](repeating: 0, count: dimensions)
        for embedding in embeddings where embedding.count == dimensions {
            for index in 0..<dimensions { sum[index] += Double(embedding[index]) }
        }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite else { return nil }
        return sum.map { Float($0 / norm) }
    }
}
