/// A search result: a stored vector's id and its cosine similarity to the query. Vectors are
/// L2-normalised, so the similarity is their dot product, from -1 to 1.
public struct Neighbor: Sendable, Hashable {
    public let id: Int64
    public let similarity: Float

    public init(id: Int64, similarity: Float) {
        self.id = id
        self.similarity = similarity
    }
}

/// Nearest-neighbour search over L2-normalised embeddings of one model (one dimension count).
/// Implementations are thread-safe: searches may run concurrently with each other and with writes.
///
/// Results are sorted best first; equal similarities are ordered by ascending id, so results are
/// deterministic.
public protocol VectorIndex: Sendable {
    var dimensions: Int { get }
    var count: Int { get }

    /// Adds the vector, or replaces the one stored under `id`. Throws
    /// `embedding_dimension_mismatch` when `vector.count != dimensions`.
    func upsert(id: Int64, vector: [Float]) throws
    /// Does nothing when `id` is not stored.
    func remove(id: Int64)
    /// The `k` most similar vectors, leaving out `excluding`. A query of the wrong length matches
    /// nothing.
    func search(_ query: [Float], k: Int, excluding: Set<Int64>) -> [Neighbor]
    /// Every vector with similarity >= `minSimilarity`, best first, at most `limit` of them. A
    /// query of the wrong length matches nothing.
    func search(_ query: [Float], minSimilarity: Float, limit: Int, excluding: Set<Int64>) -> [Neighbor]
}

extension VectorIndex {
    public func search(_ query: [Float], k: Int) -> [Neighbor] {
        search(query, k: k, excluding: [])
    }

    public func search(_ query: [Float], minSimilarity: Float, limit: Int) -> [Neighbor] {
        search(query, minSimilarity: minSimilarity, limit: limit, excluding: [])
    }
}
