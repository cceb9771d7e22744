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

/// The read side of nearest-neighbour search over L2-normalised embeddings of one model (one
/// dimension count): what placing, matching and searching faces need. Implementations are
/// thread-safe: searches may run concurrently with each other and with writes. An in-memory
/// index never throws; a search in a database server (`FaceStore.sharedVectorSearch`) throws
/// when the server fails, rather than answer "no neighbours" and split a person.
///
/// Results are sorted best first; equal similarities are ordered by ascending id, so results are
/// deterministic.
public protocol VectorSearching: Sendable {
    var dimensions: Int { get }
    /// How many vectors are searched; 0 where that can't be known right now (a server down).
    var count: Int { get }

    /// The `k` most similar vectors, leaving out `excluding`. A query of the wrong length matches
    /// nothing.
    func search(_ query: [Float], k: Int, excluding: Set<Int64>) throws -> [Neighbor]
    /// Every vector with similarity >= `minSimilarity`, best first, at most `limit` of them. A
    /// query of the wrong length matches nothing.
    func search(_ query: [Float], minSimilarity: Float, limit: Int, excluding: Set<Int64>) throws -> [Neighbor]
}

/// A `VectorSearching` the caller fills: an in-memory copy of vectors whose source of truth is
/// elsewhere (the store), kept in step by its owner.
public protocol VectorIndex: VectorSearching {
    /// Adds the vector, or replaces the one stored under `id`. Throws
    /// `embedding_dimension_mismatch` when `vector.count != dimensions`.
    func upsert(id: Int64, vector: [Float]) throws
    /// Does nothing when `id` is not stored.
    func remove(id: Int64)
}

extension VectorSearching {
    public func search(_ query: [Float], k: Int) throws -> [Neighbor] {
        try search(query, k: k, excluding: [])
    }

    public func search(_ query: [Float], minSimilarity: Float, limit: Int) throws -> [Neighbor] {
        try search(query, minSimilarity: minSimilarity, limit: limit, excluding: [])
    }
}
