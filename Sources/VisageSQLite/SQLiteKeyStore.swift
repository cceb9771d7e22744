import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of the `api_key` table; the store hands out `StoredKey` values.
private struct APIKeyRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_key"

    var id: String
    var name: String
    /// Scope names separated by single spaces (scope names hold no spaces).
    var scopes: String
    var keyHash: String
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, scopes
        case keyHash = "key_hash"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    enum SQLColumns {
        static let createdAt = Column(CodingKeys.createdAt)
        static let revokedAt = Column(CodingKeys.revokedAt)
        static let lastUsedAt = Column(CodingKeys.lastUsedAt)
    }

    init(_ key: StoredKey) {
        (id, name, scopes, keyHash) = (key.id, key.name, key.scopes.joined(separator: " "), key.hash)
        (createdAt, lastUsedAt, revokedAt) = (key.createdAt, key.lastUsedAt, key.revokedAt)
    }

    var value: StoredKey {
        StoredKey(
            id: id, name: name, scopes: scopes.split(separator: " ").map(String.init), hash: keyHash,
            createdAt: createdAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt)
    }
}

/// API keys live in the same file as the faces, so one data directory is one thing to back up,
/// and `visage keys` and `visage serve` see the same keys.
extension SQLiteFaceStore: KeyStore {
    public func insertKey(_ key: StoredKey) throws {
        guard key.scopes.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw VisageError(.storeFailed, "a scope name can't be empty or hold a space")
        }
        try writeDatabase { db in
            if try APIKeyRow.exists(db, key: key.id) {
                throw VisageError(.storeFailed, "an API key with id \(key.id) exists already")
            }
            try APIKeyRow(key).insert(db)
        }
    }

    public func key(id: String) throws -> StoredKey? {
        try readDatabase { db in try APIKeyRow.fetchOne(db, key: id)?.value }
    }

    public func keys() throws -> [StoredKey] {
        try readDatabase { db in
            try APIKeyRow.order(APIKeyRow.SQLColumns.createdAt, Column("id")).fetchAll(db).map(\.value)
        }
    }

    public func revokeKey(id: String, at date: Date) throws -> StoredKey? {
        try writeDatabase { db in
            guard var row = try APIKeyRow.fetchOne(db, key: id) else { return nil }
            if row.revokedAt == nil {
                // Never before creation, even if the clock stepped back (the CHECK would refuse it).
                row.revokedAt = max(date, row.createdAt)
                try row.update(db, columns: [APIKeyRow.SQLColumns.revokedAt])
            }
            return row.value
        }
    }

    public func recordKeyUse(id: String, at date: Date) throws {
        try writeDatabase { db in
            try db.execute(sql: "UPDATE api_key SET last_used_at = MAX(created_at, ?) WHERE id = ?", arguments: [date, id])
        }
    }

    public func hasKeys() throws -> Bool {
        try readDatabase { db in try APIKeyRow.fetchCount(db) > 0 }
    }
}
