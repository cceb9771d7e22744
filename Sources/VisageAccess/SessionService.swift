import Crypto
import Foundation
import VisageCore
import VisageStorage

/// A signed-in web UI session: the key it acts for (with that key's scopes now) and the token a
/// state-changing request must echo in `X-CSRF-Token`.
public struct AuthenticatedSession: Sendable, Equatable {
    public let sessionID: String
    public let key: AuthenticatedKey
    public let csrfToken: String
    public let expiresAt: Date
}

/// Web UI sign-in: trades an API key for a session cookie, so the page never holds the key.
///
/// The cookie reads `vss_<id>_<secret>` (the key format under its own prefix); only its SHA-256
/// is stored. The CSRF token is derived from the cookie (an HMAC under the cookie's secret), so it
/// needs no storage, and a page that can't read the HttpOnly cookie gets it only from
/// `GET /ui/session`, which a cross-site page can't read. A session lasts `lifetime` from sign-in
/// and ends early when its key is revoked or the user signs out.
public final class SessionService: Sendable {
    /// 12 hours: a working day, after which the user types the key again.
    public static let defaultLifetime: TimeInterval = 12 * 3600

    let store: any SessionStore
    let keys: KeyService
    public let lifetime: TimeInterval

    public init(store: any SessionStore, keys: KeyService, lifetime: TimeInterval = defaultLifetime) {
        self.store = store
        self.keys = keys
        self.lifetime = lifetime
    }

    /// Signs in with `presentedKey`: `unauthorized` unless it is a valid key. Returns the session
    /// and the cookie value to set, which is never stored and can't be recovered.
    public func signIn(presentedKey: String, now: Date = Date()) throws -> (session: AuthenticatedSession, cookie: String) {
        let key = try keys.authenticate(presentedKey, now: now)
        try store.deleteSessions(expiredBefore: now)
        let (id, cookie) = KeyMaterial.generate(prefix: KeyMaterial.sessionPrefix)
        let stored = StoredSession(
            id: id, keyID: key.id, hash: KeyMaterial.hash(cookie), createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        try store.insertSession(stored)
        return (AuthenticatedSession(sessionID: id, key: key, csrfToken: Self.csrfToken(for: cookie), expiresAt: stored.expiresAt), cookie)
    }

    /// The session `cookie` belongs to, if it is well formed, known, unexpired, matches its hash
    /// and its key is still valid; `unauthorized` otherwise, with one message for every case.
    public func authenticate(cookie: String, now: Date = Date()) throws -> AuthenticatedSession {
        let refused = VisageError(.unauthorized, "the session has ended (signed out, expired, or its key was revoked): sign in again")
        guard let id = KeyMaterial.id(of: cookie, prefix: KeyMaterial.sessionPrefix), let stored = try store.session(id: id),
            KeyMaterial.matches(cookie, storedHash: stored.hash), stored.expiresAt > now,
            let storedKey = try keys.store.key(id: stored.keyID), !storedKey.isRevoked
        else { throw refused }
        let info = try KeyService.info(storedKey)
        return AuthenticatedSession(
            sessionID: id, key: AuthenticatedKey(id: info.id, name: info.name, scopes: info.scopes),
            csrfToken: Self.csrfToken(for: cookie), expiresAt: stored.expiresAt)
    }

    /// Ends the session of `cookie`, if it names one; an unknown or malformed cookie is ignored
    /// (signing out twice is not an error).
    public func signOut(cookie: String) throws {
        guard let id = KeyMaterial.id(of: cookie, prefix: KeyMaterial.sessionPrefix), let stored = try store.session(id: id),
            KeyMaterial.matches(cookie, storedHash: stored.hash)
        else { return }
        try store.deleteSession(id: id)
    }

    /// Whether `presented` is the CSRF token of `session`, compared in constant time.
    public static func csrfMatches(_ presented: String, session: AuthenticatedSession) -> Bool {
        let expected = Array(session.csrfToken.utf8), given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    static func csrfToken(for cookie: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("visage-csrf".utf8), using: SymmetricKey(data: Data(cookie.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
