import Foundation
import Testing
import VisageAccess
import VisageCore
import VisageStorage

/// The `KeyStore` contract and the key rules over it, run against every backend in
/// `StoreBackend.all`.
@Suite struct KeyStoreTests {
    static func stored(_ id: String, scopes: [String] = ["faces:read"], at date: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> StoredKey {
        StoredKey(id: id, name: "key \(id)", scopes: scopes, hash: String(repeating: "ab", count: 32), createdAt: date)
    }

    @Test(arguments: StoreBackend.all) func keysRoundTripAcrossConnections(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        #expect(try database.keys().hasKeys() == false)
        let first = Self.stored("aaaaaaaaaaaa", scopes: ["faces:read", "admin"])
        let second = Self.stored("bbbbbbbbbbbb", at: first.createdAt.addingTimeInterval(5))
        try database.keys().insertKey(second)
        try database.keys().insertKey(first)
        let store = try database.keys()
        #expect(try store.hasKeys())
        #expect(try store.key(id: "aaaaaaaaaaaa") == first)
        #expect(try store.key(id: "cccccccccccc") == nil)
        #expect(try store.keys().map(\.id) == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
        #expect(throws: VisageError.self) { try store.insertKey(first) }
    }

    @Test(arguments: StoreBackend.all) func revocationKeepsTheRowAndItsFirstDate(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.keys()
        let key = Self.stored("aaaaaaaaaaaa")
        try store.insertKey(key)
        let revoked = try #require(try store.revokeKey(id: key.id, at: key.createdAt.addingTimeInterval(10)))
        #expect(revoked.revokedAt == key.createdAt.addingTimeInterval(10))
        #expect(try store.revokeKey(id: key.id, at: key.createdAt.addingTimeInterval(99))?.revokedAt == revoked.revokedAt)
        #expect(try store.revokeKey(id: "nonexistent00", at: Date()) == nil)
        // A revoked key still counts: authentication never switches itself off.
        #expect(try store.hasKeys())
        try store.recordKeyUse(id: key.id, at: key.createdAt.addingTimeInterval(20))
        #expect(try store.key(id: key.id)?.lastUsedAt == key.createdAt.addingTimeInterval(20))
    }

    @Test(arguments: StoreBackend.all) func serviceCreatesAuthenticatesAndRevokes(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let keys = KeyService(store: try database.keys())
        let (info, secret) = try keys.create(name: "  photos app ", scopes: [.facesRead, .extract], creator: nil)
        #expect(info.name == "photos app" && info.scopes == [.facesRead, .extract])
        #expect(secret.hasPrefix("vsk_\(info.id)_"))
        let authenticated = try keys.authenticate(secret)
        #expect(authenticated.id == info.id && authenticated.scopes == [.facesRead, .extract])
        #expect(try keys.list().first?.lastUsedAt != nil)
        // One changed character of the secret, another key's id, garbage: all the same refusal.
        var wrong = Array(secret)
        wrong[wrong.count - 1] = wrong.last == "a" ? "b" : "a"
        for attempt in [String(wrong), "vsk_\(info.id)_", "Bearer", "", secret + "a"] {
            let error = #expect(throws: VisageError.self) { try keys.authenticate(attempt) }
            #expect(error?.errorCode == .unauthorized)
        }
        _ = try keys.revoke(id: info.id, revoker: nil)
        #expect(#expect(throws: VisageError.self) { try keys.authenticate(secret) }?.errorCode == .unauthorized)
        #expect(#expect(throws: VisageError.self) { try keys.revoke(id: "nosuchkey000", revoker: nil) }?.errorCode == .keyNotFound)
    }

    @Test(arguments: StoreBackend.all) func noKeyCreatesOrRevokesAWiderOne(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let keys = KeyService(store: try database.keys())
        let admin: Set<Scope> = [.admin, .facesWrite]
        // Within: its own scopes and what they grant (faces:write grants faces:read).
        _ = try keys.create(name: "narrow", scopes: [.facesRead], creator: admin)
        _ = try keys.create(name: "same", scopes: admin, creator: admin)
        for wider: Set<Scope> in [[.facedbRead], [.facesRead, .extract], [.admin, .facedbWrite], [.review]] {
            let error = #expect(throws: VisageError.self) { try keys.create(name: "wider", scopes: wider, creator: admin) }
            #expect(error?.errorCode == .forbiddenScope)
        }
        let wide = try keys.create(name: "wide", scopes: Set(Scope.all), creator: nil)
        #expect(#expect(throws: VisageError.self) { try keys.revoke(id: wide.info.id, revoker: admin) }?.errorCode == .forbiddenScope)
        #expect(try keys.list().count == 3)
    }

    @Test(arguments: StoreBackend.all) func keysAreStoredOnlyAsHashes(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.keys()
        let (info, secret) = try KeyService(store: store).create(name: "n", scopes: [.admin], creator: nil)
        let stored = try #require(try store.key(id: info.id))
        #expect(stored.hash == KeyMaterial.hash(secret) && stored.hash.count == 64)
        #expect(!stored.hash.contains(String(secret.suffix(KeyMaterial.secretLength))))
    }

    @Test(arguments: StoreBackend.all) func sessionsRoundTripAndAreSweptWhenExpired(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let key = Self.stored("aaaaaaaaaaaa")
        try database.keys().insertKey(key)
        let start = key.createdAt
        func session(_ id: String, lasting seconds: TimeInterval) -> StoredSession {
            StoredSession(id: id, keyID: key.id, hash: String(repeating: "cd", count: 32), createdAt: start, expiresAt: start + seconds)
        }
        try database.keys().insertSession(session("short0000000", lasting: 60))
        try database.keys().insertSession(session("long00000000", lasting: 3600))
        let store = try database.keys()
        #expect(try store.session(id: "short0000000") == session("short0000000", lasting: 60))
        #expect(try store.session(id: "none00000000") == nil)
        let duplicate = #expect(throws: VisageError.self) { try store.insertSession(session("long00000000", lasting: 10)) }
        #expect(duplicate?.code == "store_failed")
        let orphan = StoredSession(
            id: "orphan000000", keyID: "nosuchkey000", hash: String(repeating: "cd", count: 32), createdAt: start, expiresAt: start + 60)
        #expect(#expect(throws: VisageError.self) { try store.insertSession(orphan) }?.message.contains("no API key") == true)
        #expect(try store.deleteSessions(expiredBefore: start + 61) == 1)
        #expect(try store.session(id: "short0000000") == nil && store.session(id: "long00000000") != nil)
        try store.deleteSession(id: "long00000000")
        try store.deleteSession(id: "long00000000")
        #expect(try store.session(id: "long00000000") == nil)
    }

    /// Key names follow openapi.json's CreateApiKeyRequest: at most 100 scalars as sent, one
    /// that is not a space, no Cc control character; stored trimmed.
    @Test func keyNamesFollowTheDocumentedRules() throws {
        let database = try StoreBackend.sqlite.makeDatabase()
        defer { database.remove() }
        let keys = KeyService(store: try database.keys())
        #expect(try keys.create(name: "  ci runner ", scopes: [.facesRead], creator: nil).info.name == "ci runner")
        #expect(try keys.create(name: String(repeating: "é", count: 100), scopes: [.facesRead], creator: nil).info.name.count == 100)
        #expect(try keys.create(name: "soft\u{00AD}hyphen", scopes: [.facesRead], creator: nil).info.name == "soft\u{00AD}hyphen")
        for bad in ["", "   ", "\u{3000}", "a\u{0}b", "line\nbreak", "\u{85}", String(repeating: "a", count: 100) + " "] {
            let error = #expect(throws: VisageError.self, "\(bad.debugDescription)") {
                try keys.create(name: bad, scopes: [.facesRead], creator: nil)
            }
            #expect(error?.code == "invalid_name")
        }
    }
}

@Suite struct AccessModelTests {
    @Test func scopesParseAndGrant() throws {
        #expect(try Set<Scope>(parsing: ["faces:write", "extract"]).allows(.facesRead))
        #expect(try !Set<Scope>(parsing: ["faces:read"]).allows(.facesWrite))
        #expect(try !Set<Scope>(parsing: ["admin"]).allows(.facesRead))
        #expect(try Set<Scope>(parsing: ["facedb:write"]).allows(.facedbRead))
        for bad in [["faces:delete"], [], ["FACES:READ"], [""]] {
            #expect(#expect(throws: VisageError.self) { try Set<Scope>(parsing: bad) }?.errorCode == .invalidScope)
        }
    }

    @Test func keysAreWellFormedAndDistinct() {
        let generated = (0..<200).map { _ in KeyMaterial.generate() }
        #expect(Set(generated.map { $0.key }).count == 200 && Set(generated.map { $0.id }).count == 200)
        for (id, key) in generated {
            #expect(KeyMaterial.id(of: key) == id)
            #expect(KeyMaterial.matches(key, storedHash: KeyMaterial.hash(key)))
        }
        let key = generated[0].key
        #expect(KeyMaterial.id(of: key.uppercased()) == nil)
        #expect(KeyMaterial.id(of: "vsk_" + String(key.dropFirst(4).dropLast())) == nil)
        #expect(!KeyMaterial.matches(key, storedHash: KeyMaterial.hash(generated[1].key)))
        #expect(!KeyMaterial.matches(key, storedHash: ""))
    }

    @Test func loopbackHosts() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"] { #expect(LoopbackHost.isLoopback(host), "\(host)") }
        for host in ["0.0.0.0", "::", "192.168.1.2", "example.com", "127.0.0.1.example.com", "128.0.0.1", ""] {
            #expect(!LoopbackHost.isLoopback(host), "\(host)")
        }
    }
}
