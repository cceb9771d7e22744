import Foundation
import VisageCore
import VisageStorage

/// A key as it may be shown: everything but the hash.
public struct KeyInfo: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Set<Scope>
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}

/// A key that just passed authentication.
public struct AuthenticatedKey: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Set<Scope>
}

/// The rules of API keys over a `KeyStore`, shared by `visage keys` and the HTTP routes:
/// creating (never wider than the creator), listing, revoking, and checking a presented key.
public final class KeyService: Sendable {
    public static let maxNameLength = 100
    /// `last_used_at` is written at most this often per key: one write per request would put
    /// every request behind the database's single writer.
    static let useRecordInterval: TimeInterval = 60

    let store: any KeyStore

    public init(store: any KeyStore) {
        self.store = store
    }

    /// Creates a key and returns it with its full text, which is never stored and can't be shown
    /// again. `creator`: the scopes of the key asking (nil for the data directory's owner: the
    /// CLI, or a loopback server that has no keys yet); each requested scope must be one it holds
    /// or one its scopes grant, so no key can mint a wider one (`forbidden_scope`).
    public func create(name: String, scopes: Set<Scope>, creator: Set<Scope>?, now: Date = Date()) throws -> (info: KeyInfo, key: String) {
        let name = try Self.validatedName(name)
        guard !scopes.isEmpty else { throw VisageError(.invalidScope, "a key needs at least one scope") }
        if let creator {
            let wider = scopes.subtracting(creator.granted)
            guard wider.isEmpty else {
                throw VisageError(.forbiddenScope, "a key can't create a key with scopes it does not hold: \(wider.names.joined(separator: ", "))")
            }
        }
        let (id, key) = KeyMaterial.generate()
        let stored = StoredKey(id: id, name: name, scopes: scopes.names, hash: KeyMaterial.hash(key), createdAt: now)
        try store.insertKey(stored)
        return (try Self.info(stored), key)
    }

    /// Every key, revoked ones included, oldest first.
    public func list() throws -> [KeyInfo] {
        try store.keys().map(Self.info)
    }

    /// Revokes key `id` (`key_not_found` if there is none). `revoker`: the scopes of the key
    /// asking (nil for the owner); it must hold every scope of the key it revokes, so a narrow
    /// admin key can't cut off a wider one.
    public func revoke(id: String, revoker: Set<Scope>?, now: Date = Date()) throws -> KeyInfo {
        guard let existing = try store.key(id: id) else {
            throw VisageError(.keyNotFound, "no API key has id \(id.prefix(64))")
        }
        if let revoker {
            let target = try Self.info(existing)
            let wider = target.scopes.subtracting(revoker.granted)
            guard wider.isEmpty else {
                throw VisageError(.forbiddenScope, "a key can't revoke a key with scopes it does not hold: \(wider.names.joined(separator: ", "))")
            }
        }
        guard let revoked = try store.revokeKey(id: id, at: now) else {
            throw VisageError(.keyNotFound, "no API key has id \(id.prefix(64))")
        }
        return try Self.info(revoked)
    }

    /// Whether requests must carry a key: once any key was created (revoked ones count), always.
    public func keysExist() throws -> Bool {
        try store.hasKeys()
    }

    /// The key `presented` belongs to, if it is well formed, known, not revoked and matches its
    /// hash; `unauthorized` otherwise, with one message for every case so a caller learns
    /// nothing about which ids exist.
    public func authenticate(_ presented: String, now: Date = Date()) throws -> AuthenticatedKey {
        let refused = VisageError(.unauthorized, "the API key is not valid (unknown, revoked or mistyped)")
        guard let id = KeyMaterial.id(of: presented), let stored = try store.key(id: id),
            KeyMaterial.matches(presented, storedHash: stored.hash), !stored.isRevoked
        else { throw refused }
        if stored.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.useRecordInterval }) ?? true {
            try store.recordKeyUse(id: id, at: now)
        }
        let info = try Self.info(stored)
        return AuthenticatedKey(id: info.id, name: info.name, scopes: info.scopes)
    }

    static func info(_ key: StoredKey) throws -> KeyInfo {
        // A stored scope this version does not know (a newer version's, or a hand edit) is
        // dropped rather than failing every request: a key grants only what is understood.
        let scopes = Set(key.scopes.compactMap { try? Scope(parsing: $0) })
        return KeyInfo(
            id: key.id, name: key.name, scopes: scopes, createdAt: key.createdAt,
            lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt)
    }

    /// A key's name: at most 100 characters, not all spaces, no control characters.
    static func validatedName(_ name: String) throws -> String {
        // Counted and checked as sent, in Unicode scalars, the way openapi.json's maxLength and
        // pattern count; then trimmed for storage.
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, name.unicodeScalars.count <= maxNameLength else {
            throw VisageError(.invalidName, "a key's name must be 1 to \(maxNameLength) characters, not all spaces")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw VisageError(.invalidName, "a key's name can't contain control characters")
        }
        return trimmed
    }
}
