import Foundation
import PostgresNIO
import VisageCore

/// `visage bench-search --postgres`: a fresh database on a server for one measurement, filled
/// with one collection of synthetic faces as fast as the server takes them, its HNSW index built
/// once after the load (as an index rebuild or a restore would), then searched through
/// `PostgresFaceCollections`, the path the server uses. Each face is an image of its own whose
/// `image_id` is the face's position in the load, so search results map back to it. The database
/// is dropped by `drop()`.
public final class PostgresSearchBench: Sendable {
    public static let collection = "bench"
    public static let model = "bench"
    /// The server's settings the index build depends on, as the build used them. The index
    /// itself has pgvector's defaults (m 16, ef_construction 64), as `add` makes it.
    public static let reportedSettings = ["maintenance_work_mem", "max_parallel_maintenance_workers", "max_parallel_workers", "shared_buffers"]

    public let url: PostgresURL
    public let collections: PostgresFaceCollections
    private let store: PostgresStore
    private let server: PostgresURL

    /// Creates and migrates a new database `visage_bench_<random>` on `server`'s server.
    public init(server: PostgresURL) throws {
        self.server = server
        var url = server
        url.database = "visage_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.administer(server, "CREATE DATABASE \(url.database)")
        self.url = url
        store = try PostgresStore(url: url)
        collections = PostgresFaceCollections(store: store)
    }

    /// Closes the connections and drops the database.
    public func drop() {
        store.database.close()
        try? Self.administer(server, "DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)")
    }

    /// Appends `vectors` as faces `first`, `first + 1`, ... in one transaction of two statements:
    /// the vectors travel as one binary `real[]` and are cut into rows by the server.
    public func load(_ vectors: [[Float]], first: Int) throws {
        guard let dimensions = vectors.first?.count else { return }
        let flat = vectors.flatMap { $0 }
        try store.database.transaction { session in
            try session.execute(
                """
                WITH images AS (
                    INSERT INTO collection_image (collection, image_id, file, width, height, added_at)
                    SELECT \(Self.collection), (\(first) + n)::text, '', 0, 0, now() FROM generate_series(0, \(vectors.count - 1)) n
                    RETURNING id, image_id::bigint - \(first) AS n)
                INSERT INTO collection_face
                    (image_row_id, collection, box_x, box_y, box_width, box_height, confidence, embedding, dimensions, embedding_model)
                SELECT id, \(Self.collection), 0, 0, 1, 1, 1,
                       (\(flat)::real[])[n * \(dimensions) + 1 : (n + 1) * \(dimensions)]::vector, \(dimensions), \(Self.model)
                FROM images
                """)
        }
    }

    /// Builds the dimension's HNSW index, the one `PostgresFaceCollections.add` makes, with
    /// `maintenanceWorkMem` (pgvector builds in memory while the graph fits in it) and
    /// `parallelWorkers` helping the leader; then refreshes the planner's statistics.
    /// Returns `reportedSettings` as the build saw them.
    public func buildIndex(dimensions: Int, maintenanceWorkMem: String, parallelWorkers: Int) throws -> [(String, String)] {
        try store.database.transaction { session in
            try session.execute("SELECT set_config('maintenance_work_mem', \(maintenanceWorkMem), true)")
            try session.execute("SELECT set_config('max_parallel_maintenance_workers', \(String(parallelWorkers)), true)")
            let settings = try Self.reportedSettings.map { name in
                (name, try session.fetch("SELECT current_setting(\(name), true)", as: String?.self).first.flatMap { $0 } ?? "default")
            }
            try PostgresVectorIndexes(table: "collection_face").ensure(dimensions: dimensions, in: session)
            return settings
        }
    }

    /// Refreshes the planner's statistics after the load, as autovacuum would in time.
    public func analyze() throws {
        try store.database.withSession { try $0.execute("ANALYZE collection_image, collection_face") }
    }

    /// Bytes of the faces' table with its indexes (`pg_total_relation_size`), and of its HNSW index.
    public func sizes(dimensions: Int) throws -> (faces: Int64, index: Int64) {
        try store.database.withSession { session in
            let sizes = try session.fetch(
                """
                SELECT pg_total_relation_size('collection_face'),
                       coalesce(pg_relation_size(to_regclass(\("collection_face_hnsw_\(dimensions)"))), 0)
                """, as: (Int64, Int64).self)
            return sizes.first ?? (0, 0)
        }
    }

    /// How many scans the dimension's HNSW index has served (statistics the server publishes
    /// within a second or so): shows the searches used it and were not exact scans.
    public func indexScans(dimensions: Int) throws -> Int64 {
        try store.database.withSession { session in
            try session.execute("SELECT pg_stat_force_next_flush()")
            return try session.fetch(
                "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = \("collection_face_hnsw_\(dimensions)")",
                as: Int64.self
            ).first ?? 0
        }
    }

    /// Runs one statement on `server`'s database, outside a transaction (CREATE DATABASE needs
    /// that, and that database is not Visage's to migrate).
    private static func administer(_ server: PostgresURL, _ statement: String) throws {
        let connection: PostgresConnection
        let configuration = try server.configuration()
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 0,
                logger: Logger(label: "visage.postgres.bench")
            ).wait()
        } catch {
            throw VisageError(.storeOpenFailed, "can't connect to PostgreSQL at \(server.redacted): \(PostgresErrors.describe(error))")
        }
        defer { try? (connection.close() as EventLoopFuture<Void>).wait() }
        try PostgresErrors.mapping {
            _ = try connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "visage.postgres.bench")).wait()
        }
    }
}
