import Dispatch
import Foundation
import VisageAccess
import VisageCore

/// Who may call the API: the keys in the store, and whether the API is open while none exist.
///
/// Without keys the API is open only where that is safe: on a loopback address (or when the
/// operator said `--insecure-no-auth`). Once any key has been created, revoked ones included,
/// every route but `/health`, `/ready` and `/openapi.json` needs one, so revoking the last key
/// never switches authentication off.
public struct AccessControl: Sendable {
    public let keys: KeyService
    /// Web UI sign-in (a session cookie in place of the key); nil: the UI can't sign in.
    public let sessions: SessionService?
    /// Whether requests without a key pass while the store holds no key.
    public let openWithoutKeys: Bool

    public init(keys: KeyService, sessions: SessionService? = nil, openWithoutKeys: Bool) {
        self.keys = keys
        self.sessions = sessions
        self.openWithoutKeys = openWithoutKeys
    }

    /// The policy for a server listening on `host`: open without keys only on loopback, or
    /// anywhere with `insecureNoAuth`.
    public init(keys: KeyService, sessions: SessionService? = nil, host: String, insecureNoAuth: Bool) {
        self.init(keys: keys, sessions: sessions, openWithoutKeys: insecureNoAuth || LoopbackHost.isLoopback(host))
    }

    /// Whether a request without a key may go on.
    func allowsAnonymous() async throws -> Bool {
        guard openWithoutKeys else { return false }
        return try await offloaded { try !self.keys.keysExist() }
    }

    func authenticate(_ presented: String) async throws -> AuthenticatedKey {
        return try await offloaded { try self.keys.authenticate(presented) }
    }

    /// The session of a UI cookie; `unauthorized` when it has ended or sessions are off.
    func authenticate(cookie: String) async throws -> AuthenticatedSession {
        guard let sessions else { throw VisageError(.unauthorized, "this server has no web UI sessions") }
        return try await offloaded { try sessions.authenticate(cookie: cookie) }
    }
}

/// Runs a short synchronous store call on a dispatch thread. The store blocks (SQLite may wait
/// for its writer), and a blocked thread of the cooperative pool would stall unrelated requests;
/// the `BlockingExecutor` is no place for it either, since a key check would queue behind image
/// analysis.
func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
