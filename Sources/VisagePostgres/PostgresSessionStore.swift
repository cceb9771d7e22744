import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Web UI sessions beside the keys they act for: a sign-out or a revoked key in one process ends
/// the session in every process.
extension PostgresStore: SessionStore {
    public func insertSession(_ session: StoredSession) throws {
        // One statement: the key's existence and the id's freedom are checked by the database,
        // not read first (another process may be inserting the same id).
        let inserted = try database.withSession { connection in
            try connection.execute(
                """
                INSERT INTO ui_session (id, key_id, token_hash, created_at, expires_at)
                VALUES (\(session.id), \(session.keyID), \(session.hash), \(session.createdAt), \(session.expiresAt))
                ON CONFLICT (id) DO NOTHING
                """,
                refusals: [PostgresErrors.foreignKeyViolation: VisageError(.storeFailed, "no API key has id \(session.keyID)")])
        }
        if inserted == 0 { throw VisageError(.storeFailed, "a session with id \(session.id) exists already") }
    }

    public func session(id: String) throws -> StoredSession? {
        try database.withSession { connection in
            try connection.fetch(
                "SELECT id, key_id, token_hash, created_at, expires_at FROM ui_session WHERE id = \(id)",
                as: (String, String, String, Date, Date).self
            ).first.map { StoredSession(id: $0.0, keyID: $0.1, hash: $0.2, createdAt: $0.3, expiresAt: $0.4) }
        }
    }

    public func deleteSession(id: String) throws {
        _ = try database.withSession { try $0.execute("DELETE FROM ui_session WHERE id = \(id)") }
    }

    public func deleteSessions(expiredBefore date: Date) throws -> Int {
        try database.withSession { try $0.execute("DELETE FROM ui_session WHERE expires_at < \(date)") }
    }
}
