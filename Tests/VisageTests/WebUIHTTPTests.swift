import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageAccess
import VisageCore
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// The web UI's HTTP side: its pages (ETags, security headers, a closed set of files), sign-in
/// with a session cookie in place of the key, CSRF on state-changing requests, the session ending
/// with sign-out, expiry or the key's revocation, and the review preview's byte ranges. The pages
/// themselves are driven in a real browser by Tests/ui (scripts/ui_test.sh).
@Suite struct WebUIHTTPTests {
    static func cookie(from headers: HTTPFields) -> String? {
        guard let header = headers[.setCookie], header.hasPrefix("\(SessionCookie.name)=") else { return nil }
        return String(header.dropFirst(SessionCookie.name.count + 1).prefix { $0 != ";" })
    }

    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, cookie: String? = nil, csrf: String? = nil,
        body: [String: Any]? = nil
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let cookie { headers[.cookie] = "theme=dark; \(SessionCookie.name)=\(cookie)" }
        if let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map(HTTPJSON.body)) { response in
            (response.status, response.headers, HTTPJSON.object(response))
        }
    }

    static func code(_ json: [String: Any]) -> String? { (json["error"] as? [String: Any])?["code"] as? String }

    @Test func pagesAreServedWithTagsAndAClosedSetOfFiles() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/ui")
            }
            let etag = try await client.execute(uri: "/ui", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(String(buffer: response.body).contains("/ui/assets/app.js"))
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/ui", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            for (file, type) in [("app.js", "text/javascript"), ("app.css", "text/css"), ("favicon.svg", "image/svg+xml")] {
                try await client.execute(uri: "/ui/assets/\(file)", method: .get) { response in
                    #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix(type) == true, "\(file)")
                    #expect(response.body.readableBytes > 0)
                }
            }
            for missing in ["nope.js", "..%2FPackage.swift", "index.html.bak"] {
                try await client.execute(uri: "/ui/assets/\(missing)", method: .get) { response in
                    #expect(response.status == .notFound, "\(missing)")
                }
            }
        }
    }

    @Test func signInTradesTheKeyForACookieThatActsWithTheKeysScopes() async throws {
        let store = try SQLiteFaceStore.inMemory()
        let services = try TestServices.make(store: store)
        let key = try services.access.keys.create(name: "browser", scopes: [.facesWrite], creator: nil).key
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            // Keys exist: nobody is signed in, and the API wants a key or a session.
            let anonymous = try await Self.send(client, .get, "/ui/session")
            #expect(anonymous.status == .ok && anonymous.json["signed_in"] as? Bool == false && anonymous.json["open"] as? Bool == false)
            #expect(try await Self.send(client, .get, "/faceinfo").status == .unauthorized)

            let refused = try await Self.send(client, .post, "/ui/session", body: ["api_key": "vsk_nope"])
            #expect(refused.status == .unauthorized && Self.code(refused.json) == "unauthorized")
            #expect(try await Self.send(client, .post, "/ui/session", body: ["key": key]).status == .badRequest)

            let signIn = try await Self.send(client, .post, "/ui/session", body: ["api_key": key])
            #expect(signIn.status == .ok)
            let setCookie = try #require(signIn.headers[.setCookie])
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] { #expect(setCookie.contains(attribute), "\(setCookie)") }
            #expect(!setCookie.contains("Secure"), "plain HTTP on a LAN must still work")
            #expect(!setCookie.contains(key))
            let cookie = try #require(Self.cookie(from: signIn.headers))
            #expect(cookie.hasPrefix("vss_"))
            let csrf = try #require(signIn.json["csrf_token"] as? String)
            #expect(signIn.json["scopes"] as? [String] == ["faces:read", "faces:write"])
            #expect(signIn.json["key_name"] as? String == "browser")
            // Only a hash of the cookie is stored.
            let id = try #require(KeyMaterial.id(of: cookie, prefix: KeyMaterial.sessionPrefix))
            #expect(try store.session(id: id)?.hash == KeyMaterial.hash(cookie))

            let me = try await Self.send(client, .get, "/ui/session", cookie: cookie)
            #expect(me.json["signed_in"] as? Bool == true && me.json["csrf_token"] as? String == csrf)

            // Reads need only the cookie; writes need the CSRF token too; scopes still apply.
            #expect(try await Self.send(client, .get, "/faceinfo", cookie: cookie).status == .ok)
            let forged = try await Self.send(client, .post, "/faces/rename", cookie: cookie, body: ["old_name": "A", "new_name": "B"])
            #expect(forged.status == .forbidden && Self.code(forged.json) == "csrf_failed")
            let wrongToken = try await Self.send(
                client, .post, "/faces/rename", cookie: cookie, csrf: String(repeating: "0", count: 64), body: ["old_name": "A", "new_name": "B"])
            #expect(Self.code(wrongToken.json) == "csrf_failed")
            let allowed = try await Self.send(client, .post, "/faces/rename", cookie: cookie, csrf: csrf, body: ["old_name": "A", "new_name": "B"])
            #expect(allowed.status == .notFound && Self.code(allowed.json) == "person_not_found")
            let narrow = try await Self.send(client, .get, "/api/review/list", cookie: cookie)
            #expect(narrow.status == .forbidden && Self.code(narrow.json) == "forbidden_scope")

            // A forged or tampered cookie is no session.
            let tampered = String(cookie.dropLast()) + (cookie.hasSuffix("a") ? "b" : "a")
            #expect(try await Self.send(client, .get, "/faceinfo", cookie: tampered).status == .unauthorized)

            // Signing out ends it here and in the store; the cookie is cleared.
            let signOut = try await Self.send(client, .delete, "/ui/session", cookie: cookie)
            #expect(signOut.status == .ok && signOut.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try store.session(id: id) == nil)
            #expect(try await Self.send(client, .get, "/faceinfo", cookie: cookie).status == .unauthorized)
            #expect(try await Self.send(client, .get, "/ui/session", cookie: cookie).json["signed_in"] as? Bool == false)
        }
    }

    @Test func revokingTheKeyEndsItsSessions() async throws {
        let store = try SQLiteFaceStore.inMemory()
        let services = try TestServices.make(store: store)
        let created = try services.access.keys.create(name: "browser", scopes: [.facesRead], creator: nil)
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            let signIn = try await Self.send(client, .post, "/ui/session", body: ["api_key": created.key])
            let cookie = try #require(Self.cookie(from: signIn.headers))
            #expect(try await Self.send(client, .get, "/faceinfo", cookie: cookie).status == .ok)
            _ = try services.access.keys.revoke(id: created.info.id, revoker: nil)
            #expect(try await Self.send(client, .get, "/faceinfo", cookie: cookie).status == .unauthorized)
            #expect(try await Self.send(client, .post, "/ui/session", body: ["api_key": created.key]).status == .unauthorized)
        }
    }

    @Test(arguments: StoreBackend.all) func sessionsExpire(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.keys()
        let keys = KeyService(store: store)
        let sessions = SessionService(store: store, keys: keys, lifetime: 60)
        let key = try keys.create(name: "browser", scopes: [.review], creator: nil).key
        let start = Date()
        let (session, cookie) = try sessions.signIn(presentedKey: key, now: start)
        #expect(try sessions.authenticate(cookie: cookie, now: start.addingTimeInterval(59)).key.scopes == [.review])
        #expect(throws: VisageError.self) { try sessions.authenticate(cookie: cookie, now: start.addingTimeInterval(61)) }
        // The next sign-in sweeps expired rows away.
        _ = try sessions.signIn(presentedKey: key, now: start.addingTimeInterval(120))
        #expect(try store.session(id: session.sessionID) == nil)
        // The CHECK keeps an expiry after creation.
        #expect(throws: (any Error).self) {
            try store.insertSession(
                StoredSession(id: "bad", keyID: session.key.id, hash: String(repeating: "a", count: 64), createdAt: start, expiresAt: start))
        }
    }

    @Test func anOpenServerNeedsNoSignIn() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let open = try await Self.send(client, .get, "/ui/session")
            #expect(open.json["open"] as? Bool == true && (open.json["scopes"] as? [String])?.count == Scope.all.count)
            // A stale cookie on an open server is ignored rather than refused.
            #expect(try await Self.send(client, .get, "/faceinfo", cookie: "vss_aaaaaaaaaaaa_" + String(repeating: "a", count: 52)).status == .ok)
        }
    }

    @Test func theReviewPreviewServesImagesAndVideosWithRanges() async throws {
        let folders = try ReviewHTTPTests.Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let app = VisageApplication.build(services: try TestServices.make(reviewTrash: folders.trash))
        try await app.test(.router) { client in
            try await ReviewHTTPTests.prepare(client, folders)
            let photo = try folders.add(ReviewHTTPTests.obama[3], as: "photo.jpg")
            let video = try folders.add(CLI.testdata.appendingPathComponent("video/short_hamilton_clip.mp4").path, as: "clip.mp4")
            let page = try folders.add(ReviewHTTPTests.obama[3], as: "page.html")
            try Data("<script>alert(1)</script>".utf8).write(to: URL(fileURLWithPath: page))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: photo))
            let query = { (path: String) in "/api/review/media?file_path=" + path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

            let etag = try await client.execute(uri: query(photo), method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                #expect(Data(buffer: response.body) == bytes)
                #expect(response.headers[.acceptRanges] == "bytes")
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: query(photo), method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
            }
            try await client.execute(uri: query(video), method: .get, headers: [.range: "bytes=100-199"]) { response in
                #expect(response.status == .partialContent && response.headers[.contentType] == "video/mp4")
                #expect(response.body.readableBytes == 100)
                #expect(response.headers[.contentRange]?.hasPrefix("bytes 100-199/") == true)
            }
            try await client.execute(uri: query(video), method: .get, headers: [.range: "bytes=-10"]) { response in
                #expect(response.status == .partialContent && response.body.readableBytes == 10)
            }
            // A page dropped in the review folder is never served as a page of this site.
            let (refused, json) = try await HTTPJSON.call(client, .get, query(page))
            #expect(refused == .badRequest && ReviewHTTPTests.code(json) == "image_format_unsupported")
            let (outside, _) = try await HTTPJSON.call(client, .get, query("/etc/passwd"))
            #expect(outside == .forbidden)
        }
    }

    @Test func byteRangesFollowTheRFC() {
        #expect(ByteRange.parse("bytes=0-9", size: 100) == 0...9)
        #expect(ByteRange.parse("bytes=90-", size: 100) == 90...99)
        #expect(ByteRange.parse("bytes=-5", size: 100) == 95...99)
        #expect(ByteRange.parse("bytes=-500", size: 100) == 0...99)
        #expect(ByteRange.parse("bytes=50-5000", size: 100) == 50...99)
        for invalid in ["bytes=100-", "bytes=9-1", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=-0", "bytes=99999999999999999999-"] {
            #expect(ByteRange.parse(invalid, size: 100) == nil, "\(invalid)")
        }
    }
}
