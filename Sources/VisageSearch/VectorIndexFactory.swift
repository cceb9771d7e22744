/// Makes the vector indexes the stores and services keep: the seam where an approximate index
/// (or a database's own) replaces the exact scan without any caller changing.
///
/// A factory may also keep indexes between runs (`savedIndex`, `save`): an owner names each index
/// it keeps and asks for the saved copy with the version its database reports now; the factory
/// hands it back only if it was saved at that same version. The database stays the only source
/// of truth: an owner that gets nothing back builds the index from the database, as it always did.
public protocol VectorIndexFactory: Sendable {
    /// An empty index for vectors of `dimensions` floats, with room reserved for `capacity`.
    func makeIndex(dimensions: Int, capacity: Int) -> any VectorIndex
    /// The index saved under `name` for `dimensions`-float vectors, if it was saved when the
    /// database was at `version`; nil when none was saved, it is stale or it can't be read.
    func savedIndex(name: String, dimensions: Int, version: VectorSourceVersion) -> (any VectorIndex)?
    /// Saves `index` under `name` as holding exactly the database's vectors at `version`. The
    /// caller keeps the index and the database from changing while this runs.
    func save(_ index: any VectorIndex, name: String, version: VectorSourceVersion) throws
}

extension VectorIndexFactory {
    /// Factories that keep nothing between runs have nothing saved.
    public func savedIndex(name: String, dimensions: Int, version: VectorSourceVersion) -> (any VectorIndex)? {
        nil
    }

    public func save(_ index: any VectorIndex, name: String, version: VectorSourceVersion) throws {}
}

/// Where a database's vectors stand: which database (a random id it made for itself, so a new
/// or another database never matches an old index), a counter it bumps on every insert, update
/// or delete of a vector, and how many vectors there are. A saved index is reused only while all
/// three still match.
public struct VectorSourceVersion: Sendable, Hashable, Codable {
    public var database: String
    public var generation: Int64
    public var count: Int

    public init(database: String, generation: Int64, count: Int) {
        self.database = database
        self.generation = generation
        self.count = count
    }
}

/// Exact search: every query scans every vector. Right for small indexes, and the baseline the
/// others are measured against.
public struct ExactVectorIndexFactory: VectorIndexFactory {
    public init() {}

    public func makeIndex(dimensions: Int, capacity: Int) -> any VectorIndex {
        ExactVectorIndex(dimensions: dimensions, capacity: capacity)
    }
}
