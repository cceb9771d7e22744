import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of the `ui_session` table; the store hands out `StoredSession` values.
private struct SessionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ui_session"

    var id: String
    var keyID: String
    var tokenHash: String
    var createdAt: Date
    var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case keyID = "key_id"
        case tokenHash = "token_hash"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    init(_ session: StoredSession) {
        (id, keyID, tokenHash, createdAt, expiresAt) = (session.id, session.keyID, session.hash, session.createdAt, session.expiresAt)
    }

    var value: StoredSession {
        StoredSession(id: id, keyID: keyID, hash: tokenHash, createdAt: createdAt, expiresAt: expiresAt)
    }
}

/// Sessions live beside the keys they act for: `visage keys revoke` and a sign-out in any process
/// end them everywhere.
extension SQLiteFaceStore: SessionStore {
    public func insertSession(_ session: StoredSession) throws {
        try writeDatabase { db in
            if try SessionRow.exists(db, key: session.id) {
                throw VisageError(.storeFailed, "a session with id \(session.id) exists already")
            }
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM api_key WHERE id = ?", arguments: [session.keyID]) != nil else {
                throw VisageError(.storeFailed, "no API key has id \(session.keyID)")
            }
            try SessionRow(session).insert(db)
        }
    }

    public func session(id: String) throws -> StoredSession? {
        try readDatabase { db in try SessionRow.fetchOne(db, key: id)?.value }
    }

    public func deleteSession(id: String) throws {
        try writeDatabase { db in _ = try SessionRow.deleteOne(db, key: id) }
    }

    public func deleteSessions(expiredBefore date: Date) throws -> Int {
        try writeDatabase { db in
            try db.execute(sql: "DELETE FROM ui_session WHERE expires_at < ?", arguments: [date])
            return db.changesCount
        }
    }
}
