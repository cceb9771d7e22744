import Foundation
import GRDB
import VisageCore
import VisageStorage

/// The embedded `FaceStore`: images, faces, clusters, user decisions and the audit log in one
/// SQLite file, through GRDB.
///
/// Every operation is one transaction, so an image is never half-written and a cluster's count
/// and centroid always match its members. Thread-safe: on disk, reads run concurrently with each
/// other and with the single writer (SQLite's WAL mode). Seed 002's face collections live in the
/// same file (`SQLiteFaceCollections`).
public final class SQLiteFaceStore: FaceStore {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    public convenience init(path: String) throws {
        let writer: DatabasePool
        do {
            // DatabasePool puts the file in WAL mode: readers never wait for the writer.
            writer = try DatabasePool(path: path, configuration: Self.configuration)
        } catch {
            throw VisageError(.storeOpenFailed, "can't open the face database at \(path): \(error)")
        }
        try self.init(writer: writer)
    }

    /// A private database in memory, gone when the store is released. For tests.
    public static func inMemory() throws -> SQLiteFaceStore {
        try SQLiteFaceStore(writer: StoreErrors.mapping { try DatabaseQueue(configuration: configuration) })
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try StoreErrors.mapping { try StoreSchema.migrator.migrate(writer) }
    }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.label = "VisageStore"
        // Foreign keys carry the cascades (faces of a deleted image, constraints of a deleted
        // face); GRDB turns them on by default, and the store relies on it.
        configuration.foreignKeysEnabled = true
        // Another process (a backup, sqlite3) holding the lock briefly should not fail a write.
        configuration.busyMode = .timeout(5)
        return configuration
    }

    public func transaction<T>(_ body: (any FaceStoreTransaction) throws -> T) throws -> T {
        try StoreErrors.mapping {
            try writer.write { db in try body(SQLiteTransaction(db: db)) }
        }
    }

    public func read<T>(_ body: (any FaceStoreReading) throws -> T) throws -> T {
        try StoreErrors.mapping {
            try writer.read { db in try body(SQLiteTransaction(db: db)) }
        }
    }

    /// The database file with its WAL and shared-memory files; nil in memory.
    public func diskUsage() -> Int64? {
        let path = writer.path
        guard !path.isEmpty, path != ":memory:", !path.contains("mode=memory") else { return nil }
        var total: Int64 = 0
        var found = false
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber else { continue }
            total += size.int64Value
            found = true
        }
        return found ? total : nil
    }

    /// Runs `body` on the raw connection inside one write transaction: for the other stores that
    /// share this file (face collections), never for callers above the storage layer.
    func writeDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreErrors.mapping { try writer.write(body) }
    }

    /// Runs `body` on the raw connection against one consistent snapshot.
    func readDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreErrors.mapping { try writer.read(body) }
    }
}
