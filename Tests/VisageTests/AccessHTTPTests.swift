import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageAccess
import VisageCore
import VisageSQLite

@testable import VisageServer

/// API keys over HTTP: every route of the OpenAPI document against its scope, key management,
/// revocation and the open-without-keys rule.
@Suite struct AccessHTTPTests {
    static let openRoutes: Set<String> = [
        "GET /health", "GET /ready", "GET /openapi.json", "GET /", "GET /ui", "GET /ui/assets/{file}", "GET /ui/session",
        "POST /ui/session", "DELETE /ui/session",
    ]

    /// Seed 001's routes answer every error as `{"detail": "..."}`, 401 included: no code.
    static let detailRoutes: Set<String> = ["POST /analyze_image/", "POST /analyze_image_upload/", "GET /available_operations/"]

    /// A concrete URL for an OpenAPI path: ids that exist nowhere, so right-key calls end in
    /// 400/404 without changing anything.
    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: "{cluster_id}", with: "no-such-cluster")
            .replacingOccurrences(of: "{face_id}", with: "999999")
            .replacingOccurrences(of: "{image_id}", with: "no-such-image")
            .replacingOccurrences(of: "{name}", with: "Nobody")
            .replacingOccurrences(of: "{collection}", with: "nocollection")
            .replacingOccurrences(of: "{key_id}", with: "nosuchkey000")
            .replacingOccurrences(of: "{file}", with: "app.js")
    }

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    static func status(
        _ client: some TestClientProtocol, _ method: String, _ path: String, headers: HTTPFields = [:],
        body: String? = nil
    ) async throws -> (HTTPResponse.Status, HTTPFields, [String: Any]) {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: concrete(path), method: HTTPRequest.Method(method)!, headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        ) { response in
            (response.status, response.headers, HTTPJSON.object(response))
        }
    }

    @Test func everyRouteChecksItsScope() async throws {
        let store = try SQLiteFaceStore.inMemory()
        let services = try TestServices.make(store: store)
        let keys = services.access.keys
        var routes = OpenAPITests.routes.map { "\($0.method) \($0.path)" }
        // The router and the document agree (OpenAPITests); the scope table must cover both.
        routes.append(contentsOf: OpenAPITests.operations(of: try await OpenAPITests.servedDocument()))
        // One key per scope holding exactly it, and one holding everything else.
        var right: [Scope: String] = [:], wrong: [Scope: String] = [:]
        for scope in Scope.all {
            right[scope] = try keys.create(name: "only \(scope)", scopes: [scope], creator: nil).key
            let others = Set(Scope.all.filter { !$0.grants.contains(scope) })
            wrong[scope] = try keys.create(name: "all but \(scope)", scopes: others, creator: nil).key
        }
        let app = VisageApplication.build(services: services)
        let (allRoutes, rightKeys, wrongKeys) = (Set(routes).sorted(), right, wrong)
        try await app.test(.router) { client in
            for route in allRoutes {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let (method, path) = (parts[0], parts[1])
                let access = try #require(
                    RouteScopes.access(method: HTTPRequest.Method(method)!, endpointPath: path),
                    "\(route) has no entry in RouteScopes")
                let body = method == "POST" ? "{}" : nil
                let anonymous = try await Self.status(client, method, path, body: body)
                guard case .scope(let scope) = access else {
                    #expect(Self.openRoutes.contains(route), "\(route) is open")
                    #expect(anonymous.0 != .unauthorized && anonymous.0 != .forbidden, "\(route) without a key: \(anonymous.0)")
                    continue
                }
                #expect(!Self.openRoutes.contains(route))
                #expect(anonymous.0 == .unauthorized, "\(route) without a key: \(anonymous.0)")
                #expect(anonymous.1[.wwwAuthenticate] == "Bearer", "\(route)")
                if Self.detailRoutes.contains(route) {
                    #expect(Array(anonymous.2.keys) == ["detail"] && anonymous.2["detail"] is String, "\(route): \(anonymous.2)")
                } else {
                    #expect(
                        ((anonymous.2["error"] as? [String: Any])?["code"] as? String ?? anonymous.2["code"] as? String) == "unauthorized",
                        "\(route): \(anonymous.2)")
                }
                let denied = try await Self.status(client, method, path, headers: Self.bearer(wrongKeys[scope]!), body: body)
                #expect(denied.0 == .forbidden, "\(route) with a key lacking \(scope): \(denied.0) \(denied.2)")
                let allowed = try await Self.status(client, method, path, headers: Self.bearer(rightKeys[scope]!), body: body)
                #expect(allowed.0 != .unauthorized && allowed.0 != .forbidden, "\(route) with \(scope): \(allowed.0) \(allowed.2)")
            }
        }
    }

    @Test func keysTravelInEitherHeaderAndNeverWithAnotherScheme() async throws {
        let services = try TestServices.make()
        let key = try services.access.keys.create(name: "reader", scopes: [.facesRead], creator: nil).key
        try await VisageApplication.build(services: services).test(.router) { client in
            let status1 = try await Self.status(client, "GET", "/faces/suggestions", headers: [AccessMiddleware.apiKeyHeader: key]).0
            #expect(status1 == .ok)
            let status2 = try await Self.status(client, "GET", "/faces/suggestions", headers: [.authorization: "bearer \(key)"]).0
            #expect(status2 == .ok)
            for headers: HTTPFields in [
                [.authorization: "Basic \(key)"], [.authorization: key],
                [.authorization: "Bearer \(key)", AccessMiddleware.apiKeyHeader: key + "x"],
                [.authorization: "Bearer vsk_aaaaaaaaaaaa_" + String(repeating: "a", count: 52)],
            ] {
                let status3 = try await Self.status(client, "GET", "/faces/suggestions", headers: headers).0
                #expect(status3 == .unauthorized)
            }
            // A key in the URL is not a key.
            let status4 = try await Self.status(client, "GET", "/faces/suggestions?api_key=\(key)").0
            #expect(status4 == .unauthorized)
        }
    }

    @Test func keyManagementNeverWidensAndRevocationHolds() async throws {
        let services = try TestServices.make()
        let admin = try services.access.keys.create(name: "admin", scopes: [.admin, .facesWrite], creator: nil)
        try await VisageApplication.build(services: services).test(.router) { client in
            let headers = Self.bearer(admin.key)
            let wider = try await Self.status(client, "POST", "/keys", headers: headers, body: #"{"name": "x", "scopes": ["facedb:read"]}"#)
            #expect(wider.0 == .forbidden, "\(wider.2)")
            let unknown = try await Self.status(client, "POST", "/keys", headers: headers, body: #"{"name": "x", "scopes": ["faces:all"]}"#)
            #expect(unknown.0 == .badRequest && (unknown.2["error"] as? [String: Any])?["code"] as? String == "invalid_scope")
            let created = try await Self.status(client, "POST", "/keys", headers: headers, body: #"{"name": "reader", "scopes": ["faces:read"]}"#)
            #expect(created.0 == .ok)
            let key = try #require(created.2["key"] as? String), id = try #require(created.2["id"] as? String)
            #expect(created.2["scopes"] as? [String] == ["faces:read"])
            let status5 = try await Self.status(client, "GET", "/faceinfo", headers: Self.bearer(key)).0
            #expect(status5 == .ok)
            // The reader may not manage keys at all.
            let status6 = try await Self.status(client, "GET", "/keys", headers: Self.bearer(key)).0
            #expect(status6 == .forbidden)
            let listed = try await Self.status(client, "GET", "/keys", headers: headers)
            let entries = try #require(listed.2["keys"] as? [[String: Any]])
            #expect(entries.count == 2 && entries.allSatisfy { $0["key"] == nil && $0["hash"] == nil })
            let revoked = try await Self.status(client, "DELETE", "/keys/\(id)", headers: headers)
            #expect(revoked.0 == .ok && revoked.2["revoked_at"] is String)
            let status7 = try await Self.status(client, "GET", "/faceinfo", headers: Self.bearer(key)).0
            #expect(status7 == .unauthorized)
            let status8 = try await Self.status(client, "DELETE", "/keys/nosuchkey000", headers: headers).0
            #expect(status8 == .notFound)
        }
    }

    @Test func withoutKeysOnlyALoopbackServerIsOpen() async throws {
        let store = try SQLiteFaceStore.inMemory()
        let open = try TestServices.make(store: store)
        try await VisageApplication.build(services: open).test(.router) { client in
            let status9 = try await Self.status(client, "GET", "/faceinfo").0
            #expect(status9 == .ok)
            // The first key can be made over a loopback server that has none.
            let created = try await Self.status(client, "POST", "/keys", body: #"{"name": "first", "scopes": ["admin"]}"#)
            #expect(created.0 == .ok)
            let status10 = try await Self.status(client, "GET", "/faceinfo").0
            #expect(status10 == .unauthorized)
            _ = try open.access.keys.revoke(id: try #require(created.2["id"] as? String), revoker: nil)
            // Revoking every key does not open the API again.
            let status11 = try await Self.status(client, "GET", "/faceinfo").0
            #expect(status11 == .unauthorized)
        }
        let closed = AccessControl(keys: KeyService(store: try SQLiteFaceStore.inMemory()), host: "0.0.0.0", insecureNoAuth: false)
        #expect(closed.openWithoutKeys == false)
        let guarded = ServerServices(
            recognition: open.recognition, faceDatabase: open.faceDatabase, references: open.references,
            routingStore: open.mediaRouter.store, imageEmbeddings: open.imageSearch.store, classifierStore: open.classifiers.store,
            reviewTrash: open.reviewQueue.trash, runtime: open.runtime,
            fetcher: open.fetcher, access: closed)
        try await VisageApplication.build(services: guarded).test(.router) { client in
            let status12 = try await Self.status(client, "GET", "/faceinfo").0
            #expect(status12 == .unauthorized)
            let status13 = try await Self.status(client, "GET", "/health").0
            #expect(status13 == .ok)
        }
        #expect(AccessControl(keys: open.access.keys, host: "0.0.0.0", insecureNoAuth: true).openWithoutKeys)
        #expect(AccessControl(keys: open.access.keys, host: "127.0.0.1", insecureNoAuth: false).openWithoutKeys)
    }
}
