/// Makes the vector indexes the stores and services keep: the seam where an approximate index
/// (or a database's own) replaces the exact scan without any caller changing.
public protocol VectorIndexFactory: Sendable {
    /// An empty index for vectors of `dimensions` floats, with room reserved for `capacity`.
    func makeIndex(dimensions: Int, capacity: Int) -> any VectorIndex
}

/// Exact search: every query scans every vector. Right for small indexes, and the baseline the
/// others are measured against.
public struct ExactVectorIndexFactory: VectorIndexFactory {
    public init() {}

    public func makeIndex(dimensions: Int, capacity: Int) -> any VectorIndex {
        ExactVectorIndex(dimensions: dimensions, capacity: capacity)
    }
}
