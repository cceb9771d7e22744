import Foundation
import PostgresNIO
import VisageCore

/// pgvector's HNSW indexes over a table of embeddings (`collection_face`, `image_embedding`): one
/// partial index per embedding dimension (an index needs a fixed size, and models differ), cosine
/// distance, made when the first row of a dimension is stored.
final class PostgresVectorIndexes: @unchecked Sendable {
    /// The table, with an `embedding vector` and a `dimensions integer` column.
    let table: String
    // @unchecked: `committed` is only touched under `lock`.
    /// pgvector's HNSW limit for `vector`; larger embeddings are searched by an exact scan.
    static let maxIndexedDimensions = 2000

    /// Dimensions whose index this process has seen committed, so each add doesn't ask the
    /// catalogue again. An index made by the caller's own transaction is not remembered: that
    /// transaction may yet roll back.
    private var committed: Set<Int> = []
    private let lock = NSLock()

    init(table: String) {
        self.table = table
    }

    /// Makes the index for `dimensions` unless it exists, in the caller's transaction. Under an
    /// advisory lock: two processes creating the same index at once would collide in the catalogue.
    func ensure(dimensions: Int, in session: PostgresSession) throws {
        guard dimensions <= Self.maxIndexedDimensions, !lock.withLock({ committed.contains(dimensions) }) else { return }
        let name = "\(table)_hnsw_\(dimensions)"
        try session.execute("SELECT pg_advisory_xact_lock(hashtextextended(\("index/\(name)"), 0))")
        // No row: no index; true: made by this transaction; false: committed before it.
        let ours = try session.fetch(
            "SELECT c.xmin = pg_current_xact_id()::xid FROM pg_class c WHERE c.oid = to_regclass(\(name))", as: (Bool).self)
        if let ours = ours.first {
            if !ours { lock.withLock { _ = committed.insert(dimensions) } }
            return
        }
        try session.execute(
            """
            CREATE INDEX \(unescaped: name) ON \(unescaped: table)
            USING hnsw ((embedding::vector(\(unescaped: String(dimensions)))) vector_cosine_ops)
            WHERE dimensions = \(unescaped: String(dimensions))
            """)
    }

    /// Settings for the searches of this transaction: iterative scans, so a filtered search (one
    /// collection and model among many) keeps walking the graph until it has `limit` rows instead
    /// of returning the few of the first candidates that pass; and a candidate list at least as
    /// long as the results (pgvector's range is 1 to 1000).
    static func prepareSearch(limit: Int, in session: PostgresSession) throws {
        try session.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        try session.execute("SELECT set_config('hnsw.ef_search', \(String(min(1000, max(40, limit)))), true)")
    }
}
