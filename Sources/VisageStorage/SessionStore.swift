import Foundation

/// A web UI session as stored: never the cookie's secret, only its hash. A session acts for one
/// API key, with that key's scopes as they are at each request, so revoking the key ends it.
public struct StoredSession: Sendable, Equatable {
    /// The public part of the cookie (`vss_<id>_...`), unique.
    public var id: String
    /// The API key the user signed in with.
    public var keyID: String
    /// SHA-256 of the whole cookie value, lower-case hex.
    public var hash: String
    public var createdAt: Date
    /// After this the cookie is refused, whatever the browser does with its own expiry.
    public var expiresAt: Date

    public init(id: String, keyID: String, hash: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.keyID = keyID
        self.hash = hash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Where web UI sessions live: in the same database as the keys they act for, so every process
/// serving one library honours a sign-in and a sign-out made through any of them.
/// Calls are synchronous and short (one row by primary key).
public protocol SessionStore: Sendable {
    /// Adds a session; `store_failed` if its id is taken or its key does not exist.
    func insertSession(_ session: StoredSession) throws
    func session(id: String) throws -> StoredSession?
    /// Removes the session (signing out); nothing happens when there is none.
    func deleteSession(id: String) throws
    /// Removes every session that expired before `date`; returns how many.
    @discardableResult func deleteSessions(expiredBefore date: Date) throws -> Int
}
