import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// API keys in the shared database: every process serving the library sees a key made or revoked
/// by any of them at its next request.
extension PostgresStore: KeyStore {
    public func insertKey(_ key: StoredKey) throws {
        guard key.scopes.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw VisageError(.storeFailed, "a scope name can't be empty or hold a space")
        }
        // ON CONFLICT rather than a lookup first: two processes inserting the same id can't both pass.
        let inserted = try database.withSession { session in
            try session.execute(
                """
                INSERT INTO api_key (id, name, scopes, key_hash, created_at, last_used_at, revoked_at)
                VALUES (\(key.id), \(key.name), \(key.scopes.joined(separator: " ")), \(key.hash), \(key.createdAt),
                        \(key.lastUsedAt), \(key.revokedAt))
                ON CONFLICT (id) DO NOTHING
                """)
        }
        if inserted == 0 { throw VisageError(.storeFailed, "an API key with id \(key.id) exists already") }
    }

    public func key(id: String) throws -> StoredKey? {
        try database.withSession { try Self.key(id: id, in: $0) }
    }

    public func keys() throws -> [StoredKey] {
        try database.withSession { session in
            try Self.decode(session.rows("SELECT \(unescaped: Self.columns) FROM api_key ORDER BY created_at, id"))
        }
    }

    public func revokeKey(id: String, at date: Date) throws -> StoredKey? {
        try database.withSession { session in
            // Never before creation, even if the clock stepped back (the CHECK would refuse it);
            // a second revocation keeps the first date.
            try session.execute(
                """
                UPDATE api_key SET revoked_at = greatest(created_at, \(date)) WHERE id = \(id) AND revoked_at IS NULL
                """)
            return try Self.key(id: id, in: session)
        }
    }

    public func recordKeyUse(id: String, at date: Date) throws {
        _ = try database.withSession { session in
            try session.execute("UPDATE api_key SET last_used_at = greatest(created_at, \(date)) WHERE id = \(id)")
        }
    }

    public func hasKeys() throws -> Bool {
        try database.withSession { session in
            try session.fetch("SELECT EXISTS (SELECT 1 FROM api_key)", as: (Bool).self).first ?? false
        }
    }

    private static let columns = "id, name, scopes, key_hash, created_at, last_used_at, revoked_at"

    private static func key(id: String, in session: PostgresSession) throws -> StoredKey? {
        try decode(session.rows("SELECT \(unescaped: columns) FROM api_key WHERE id = \(id)")).first
    }

    private static func decode(_ rows: [PostgresRow]) throws -> [StoredKey] {
        try rows.map { row in
            let (id, name, scopes, hash, created, used, revoked) = try PostgresSession.decode(
                row, as: (String, String, String, String, Date, Date?, Date?).self)
            return StoredKey(
                id: id, name: name, scopes: scopes.split(separator: " ").map(String.init), hash: hash,
                createdAt: created, lastUsedAt: used, revokedAt: revoked)
        }
    }
}
