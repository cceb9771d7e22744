import Foundation

/// An API key as stored: never the key itself, only its hash. Scopes are the names the access
/// module defines (`faces:read`); the store keeps them as given.
public struct StoredKey: Sendable, Equatable {
    /// The public part of the key (`vsk_<id>_...`), unique.
    public var id: String
    public var name: String
    public var scopes: [String]
    /// SHA-256 of the whole key, lower-case hex.
    public var hash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, name: String, scopes: [String], hash: String, createdAt: Date,
        lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.hash = hash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// Where API keys live. Rows are never deleted: a revoked key stays, so its id is never reused
/// and `hasKeys` never turns false again once a key was made (auth can't silently switch off).
/// Calls are synchronous and short (one row by primary key).
public protocol KeyStore: Sendable {
    /// Adds a key; `store_failed` if its id is taken.
    func insertKey(_ key: StoredKey) throws
    func key(id: String) throws -> StoredKey?
    /// Every key, revoked ones included, oldest first.
    func keys() throws -> [StoredKey]
    /// Marks the key revoked at `date` (a second revocation keeps the first date); the key as
    /// it now is, or nil if there is no such key.
    func revokeKey(id: String, at date: Date) throws -> StoredKey?
    /// Records that the key was used at `date`.
    func recordKeyUse(id: String, at date: Date) throws
    /// Whether any key was ever created, revoked ones included.
    func hasKeys() throws -> Bool
}
