import Foundation
import PostgresNIO
import VisageCore
import VisageSearch
import VisageStorage

/// Recognition's people (`FaceStore`) in a PostgreSQL database that several Visage processes
/// share.
///
/// Every write transaction first takes one transaction-scoped advisory lock, so placements,
/// names, merges and reclusters are serialised across every process exactly as `FaceLibrary`'s
/// lock serialises them within one: two processes that see the same new person at once make one
/// person, and a merge racing a recognition waits for it instead of failing. The expensive part
/// of recognition (decoding, detection, embedding) runs before the lock. Searches read the
/// committed rows through pgvector (`PostgresFaceSearch`), so no process holds a copy that
/// another could make stale. Reads see one snapshot (`REPEATABLE READ READ ONLY`) and never wait
/// for the lock.
public final class PostgresFaceStore: FaceStore {
    let database: PostgresDatabase
    private let vectorIndexes = PostgresVectorIndexes(table: "face")
    /// The advisory lock every people transaction holds ("people" in ASCII).
    static let writeLockKey: Int64 = 0x7065_6f70_6c65

    public init(store: PostgresStore) {
        database = store.database
    }

    public func transaction<T>(_ body: (any FaceStoreTransaction) throws -> T) throws -> T {
        try database.transaction { session in
            try session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLockKey))")
            return try body(PostgresPeopleTransaction(session: session, vectorIndexes: vectorIndexes))
        }
    }

    public func read<T>(_ body: (any FaceStoreReading) throws -> T) throws -> T {
        try database.transaction(isolation: "ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            try body(PostgresPeopleTransaction(session: session, vectorIndexes: vectorIndexes))
        }
    }

    /// Holds a session advisory lock named after `work` while `body` runs, on a connection of its
    /// own; a process that finds it held skips the work. If the process dies, the lock goes with
    /// its connection.
    public func unlessRunningElsewhere<T>(_ work: String, _ body: () throws -> T) throws -> T? {
        let key = "work/\(work)"
        return try database.withSession { session in
            let taken = try session.fetch("SELECT pg_try_advisory_lock(hashtextextended(\(key), 0))", as: Bool.self).first
            guard taken == true else { return nil }
            // Let go before a failure is thrown: closing the connection would too, but only once
            // the server notices.
            let result = Result { try body() }
            try session.execute("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))")
            return try result.get()
        }
    }

    /// A server's files are not this process's to measure.
    public func diskUsage() -> Int64? { nil }

    /// Throws `embedding_dimension_mismatch` when the model's stored faces have another length.
    public func sharedVectorSearch(embeddingModel: String, dimensions: Int) throws -> (any VectorSearching)? {
        let stored = try database.withSession { session in
            try session.fetch("SELECT dimensions FROM face WHERE embedding_model = \(embeddingModel) LIMIT 1", as: Int.self).first
        }
        if let stored, stored != dimensions {
            throw StorageErrors.dimensionMismatch(got: dimensions, model: embeddingModel, expected: stored)
        }
        return PostgresFaceSearch(database: database, embeddingModel: embeddingModel, dimensions: dimensions)
    }
}
