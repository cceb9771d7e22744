import Foundation
import GRDB
import VisageCore

/// The face database: images, faces with their embeddings, clusters, user decisions and an audit
/// log, in one SQLite file.
///
/// Every operation is one transaction, so an image is never half-written and a cluster's count
/// and centroid always match its members. Several operations can be grouped into one transaction
/// with `transaction(_:)`. Thread-safe: on disk, reads run concurrently with each other and with
/// the single writer (SQLite's WAL mode).
public final class FaceStore: Sendable {
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
    public static func inMemory() throws -> FaceStore {
        try FaceStore(writer: StoreErrors.mapping { try DatabaseQueue(configuration: configuration) })
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

    /// Runs `body` in one write transaction: all of its changes are kept, or, when it throws,
    /// none of them.
    public func transaction<T>(_ body: (FaceStoreTransaction) throws -> T) throws -> T {
        try StoreErrors.mapping {
            try writer.write { db in try body(FaceStoreTransaction(db: db)) }
        }
    }

    /// Runs read-only queries against one consistent snapshot.
    public func read<T>(_ body: (FaceStoreTransaction) throws -> T) throws -> T {
        try StoreErrors.mapping {
            try writer.read { db in try body(FaceStoreTransaction(db: db)) }
        }
    }
}
