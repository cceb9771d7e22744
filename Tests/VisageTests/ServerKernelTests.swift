import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageCore

@testable import VisageServer

/// The kernel without models: request ids, error mapping and the error body style of each group.
@Suite struct ServerKernelTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "secret detail /var/lib/visage/visage.sqlite" }
    }

    /// Two routes that fail: one with a caller mistake, one with a fault of ours.
    struct FailingRoutes: FeatureRoutes {
        func routes() -> RouteCollection<VisageRequestContext> {
            let routes = RouteCollection(context: VisageRequestContext.self)
            routes.get("mistake") { _, _ -> Response in throw VisageError(.tooManyImages, "3 images; at most 2 per request") }
            routes.get("fault") { _, _ -> Response in throw Failure() }
            return routes
        }
    }

    static func application() -> some ApplicationProtocol {
        let router = VisageApplication.router(allowedOrigins: nil) { router in
            // Mounted as `mount` does, less the API-key check (these routes have no scope).
            for (path, style) in [("standard", ErrorBodyStyle.standard), ("seed004", .seed004), ("detail", .detail)] {
                router.group(RouterPath(path)).add(middleware: ErrorMiddleware(style: style)).addRoutes(FailingRoutes().routes())
            }
        }
        return Application(router: router)
    }

    @Test func eachGroupWritesItsErrorBodyStyle() async throws {
        try await Self.application().test(.router) { client in
            var (status, json) = try await HTTPJSON.call(client, .get, "/standard/mistake")
            #expect(status == .badRequest)
            #expect((json["error"] as? [String: Any])?["code"] as? String == "too_many_images")
            #expect((json["error"] as? [String: Any])?["message"] as? String == "3 images; at most 2 per request")
            #expect(json["request_id"] is String && json["timestamp"] is String)

            (status, json) = try await HTTPJSON.call(client, .get, "/seed004/mistake")
            #expect(status == .badRequest)
            #expect(json["error"] as? String == "3 images; at most 2 per request" && json["code"] as? String == "too_many_images")
            #expect(json["request_id"] is String && json["timestamp"] is String)

            (status, json) = try await HTTPJSON.call(client, .get, "/detail/mistake")
            #expect(status == .badRequest && json.keys.sorted() == ["detail"])
            #expect(json["detail"] as? String == "3 images; at most 2 per request")

            // No route: the router's own mapping, in the standard shape.
            (status, json) = try await HTTPJSON.call(client, .get, "/seed004/nothing")
            #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "not_found")
        }
    }

    @Test func internalErrorsHideTheirDescription() async throws {
        try await Self.application().test(.router) { client in
            for prefix in ["standard", "seed004", "detail"] {
                try await client.execute(uri: "/\(prefix)/fault", method: .get, headers: [.requestID: "fault-1"]) { response in
                    #expect(response.status == .internalServerError)
                    let text = String(buffer: response.body)
                    #expect(!text.contains("secret") && !text.contains("visage.sqlite"), "\(prefix): \(text)")
                    #expect(text.contains("fault-1"), "the message quotes the request id: \(text)")
                    let json = HTTPJSON.object(response)
                    if prefix == "standard" { #expect((json["error"] as? [String: Any])?["code"] as? String == "internal_error") }
                    if prefix == "seed004" { #expect(json["code"] as? String == "internal_error") }
                }
            }
        }
    }

    @Test func callerRequestIDsAreBounded() async throws {
        let accepted = ["req-42", "a.b_c:d-E9", String(repeating: "x", count: 128)]
        let refused = ["", String(repeating: "x", count: 129), "has space", "new\u{0A}line", "quote\"", "ünï", "a/b", "<script>"]
        for id in accepted { #expect(RequestIDMiddleware.accepted(id) == id) }
        for id in refused { #expect(RequestIDMiddleware.accepted(id) == nil, "\(id.debugDescription)") }
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/standard/mistake", method: .get, headers: [.requestID: "req-42"]) { response in
                #expect(response.headers[.requestID] == "req-42" && HTTPJSON.object(response)["request_id"] as? String == "req-42")
            }
            try await client.execute(uri: "/standard/mistake", method: .get, headers: [.requestID: String(repeating: "y", count: 500)]) { response in
                let id = try #require(response.headers[.requestID])
                #expect(UUID(uuidString: id) != nil, "a generated id replaces the caller's: \(id)")
                #expect(HTTPJSON.object(response)["request_id"] as? String == id)
            }
        }
    }
}
