import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import VisageServer

/// The published API description (`GET /openapi.json`, from Resources/openapi.json) and the
/// reference (docs/API.md) stay in step with the routes the router registers.
@Suite struct OpenAPITests {
    /// Every route registered in VisageApplication.swift and the features' route files (TaskRoutes.swift's with the seed's
    /// trailing slash), written as
    /// OpenAPI paths. A new route must be added here, to openapi.json and to docs/API.md.
    static let routes: [(method: String, path: String)] = [
        ("GET", "/health"),
        ("GET", "/ready"),
        ("POST", "/extract-faces"),
        ("GET", "/openapi.json"),
        ("GET", "/"),
        ("GET", "/ui"),
        ("GET", "/ui/assets/{file}"),
        ("GET", "/ui/session"),
        ("POST", "/ui/session"),
        ("DELETE", "/ui/session"),
        ("GET", "/api/review/media"),
        ("GET", "/metrics"),
        ("POST", "/faces/detect"),
        ("POST", "/references"),
        ("GET", "/references"),
        ("PATCH", "/references/{reference_id}"),
        ("DELETE", "/references/{reference_id}"),
        ("POST", "/check"),
        ("POST", "/media/route"),
        ("GET", "/api/review/list"),
        ("GET", "/api/review/thumbnail"),
        ("POST", "/api/review/keep"),
        ("DELETE", "/api/review/delete"),
        ("POST", "/api/review/restore"),
        ("POST", "/api/review/add-reference"),
        ("POST", "/api/review/batch/keep"),
        ("POST", "/api/review/batch/delete"),
        ("POST", "/api/review/batch/add-reference"),
        ("GET", "/api/settings/face-recognition"),
        ("PUT", "/api/settings/face-recognition"),
        ("POST", "/faces/recognize"),
        ("POST", "/faces/clusters/{cluster_id}/name"),
        ("POST", "/faces/rename"),
        ("POST", "/faces/correct"),
        ("POST", "/faces/clusters/merge"),
        ("POST", "/faces/clusters/{cluster_id}/split"),
        ("GET", "/faceinfo"),
        ("GET", "/faces/suggestions"),
        ("POST", "/faces/suggestions/reject"),
        ("GET", "/faces/clusters/{cluster_id}/similar"),
        ("POST", "/faces/search"),
        ("GET", "/api/status"),
        ("GET", "/faces/people/{name}"),
        ("GET", "/faces/clusters/{cluster_id}/faces"),
        ("GET", "/faces/{face_id}/crop"),
        ("DELETE", "/faces/{face_id}"),
        ("GET", "/images/{image_id}"),
        ("DELETE", "/images/{image_id}"),
        ("POST", "/faces/recluster"),
        ("POST", "/facedb/images"),
        ("POST", "/facedb/search"),
        ("GET", "/facedb/collections"),
        ("GET", "/facedb/images/{image_id}"),
        ("DELETE", "/facedb/images/{image_id}"),
        ("DELETE", "/facedb/collections/{collection}"),
        ("POST", "/keys"),
        ("GET", "/keys"),
        ("DELETE", "/keys/{key_id}"),
        ("POST", "/analyze_image/"),
        ("POST", "/analyze_image_upload/"),
        ("GET", "/available_operations/"),
        ("POST", "/images/encode"),
        ("POST", "/search"),
        ("POST", "/search/similar"),
        ("POST", "/images/caption"),
        ("POST", "/analyze"),
        ("POST", "/classifiers/{collection_id}/train"),
        ("GET", "/classifiers"),
        ("GET", "/classifiers/{collection_id}"),
        ("DELETE", "/classifiers/{collection_id}"),
        ("POST", "/jobs"),
        ("GET", "/jobs"),
        ("GET", "/jobs/{job_id}"),
        ("DELETE", "/jobs/{job_id}"),
    ]

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The document as the server serves it.
    static func servedDocument() async throws -> [String: Any] {
        let app = VisageApplication.build(services: try TestServices.make())
        return try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
                return try #require(object as? [String: Any], "openapi.json is not a JSON object")
            }
        }
    }

    static func paths(of document: [String: Any]) -> [String: [String: Any]] {
        (document["paths"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    /// (METHOD, path) for every operation in the document.
    static func operations(of document: [String: Any]) -> Set<String> {
        var result = Set<String>()
        for (path, item) in paths(of: document) {
            for key in item.keys where httpMethods.contains(key) { result.insert("\(key.uppercased()) \(path)") }
        }
        return result
    }

    static var expectedOperations: Set<String> { Set(routes.map { "\($0.method) \($0.path)" }) }

    @Test func isOpenAPI31WithPaths() async throws {
        let document = try await Self.servedDocument()
        let version = try #require(document["openapi"] as? String)
        #expect(version.hasPrefix("3.1."), "openapi is \(version), expected 3.1.x")
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["version"] as? String == ServerServices.visageVersion)
        #expect(!Self.paths(of: document).isEmpty)
    }

    @Test func everyRegisteredRouteIsDocumented() async throws {
        let documented = Self.operations(of: try await Self.servedDocument())
        let missing = Self.expectedOperations.subtracting(documented).sorted()
        #expect(missing.isEmpty, "registered but missing from openapi.json: \(missing)")
    }

    @Test func noStaleEntries() async throws {
        let document = try await Self.servedDocument()
        let stalePaths = Set(Self.paths(of: document).keys).subtracting(Self.routes.map(\.path)).sorted()
        #expect(stalePaths.isEmpty, "openapi.json documents paths no route serves: \(stalePaths)")
        let staleOperations = Self.operations(of: document).subtracting(Self.expectedOperations).sorted()
        #expect(staleOperations.isEmpty, "openapi.json documents operations no route serves: \(staleOperations)")
    }

    /// Every `{param}` of a path is declared as a path parameter, and every operation has a
    /// success response.
    @Test func pathParametersAndResponsesAreDeclared() async throws {
        let document = try await Self.servedDocument()
        let components = document["components"] as? [String: Any] ?? [:]
        let shared = components["parameters"] as? [String: [String: Any]] ?? [:]
        func resolve(_ parameter: Any) -> [String: Any]? {
            guard let parameter = parameter as? [String: Any] else { return nil }
            if let ref = parameter["$ref"] as? String {
                return shared[String(ref.split(separator: "/").last ?? "")]
            }
            return parameter
        }
        for (path, item) in Self.paths(of: document) {
            let templated = Set(
                path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
                    .map { String($0.dropFirst().dropLast()) })
            let common = (item["parameters"] as? [Any] ?? []).compactMap(resolve)
            for (method, value) in item where Self.httpMethods.contains(method) {
                let operation = value as? [String: Any] ?? [:]
                let declared = (common + (operation["parameters"] as? [Any] ?? []).compactMap(resolve))
                    .filter { $0["in"] as? String == "path" }
                    .compactMap { $0["name"] as? String }
                #expect(Set(declared) == templated, "\(method.uppercased()) \(path) declares path parameters \(declared.sorted())")
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect(
                    ["200", "201", "202", "303"].contains { responses[$0] != nil }, "\(method.uppercased()) \(path) has no success response")
            }
        }
    }

    @Test func apiReferenceCoversEveryRoute() throws {
        let url = CLI.repositoryRoot.appendingPathComponent("docs/API.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let missing = Self.expectedOperations.filter { !text.contains($0) }.sorted()
        #expect(missing.isEmpty, "docs/API.md does not document \(missing)")
    }
}
