import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import VisageServer

/// A known path with a method it does not have answers 405 `method_not_allowed` with an `Allow`
/// header naming the methods it has; unknown paths, and a handler's own 404, stay 404.
@Suite struct MethodNotAllowedTests {
    /// Each documented path (OpenAPITests.routes) with its methods, parameters filled in.
    static var paths: [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for route in OpenAPITests.routes {
            let path = route.path.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "x1", options: .regularExpression)
            result[path, default: []].insert(route.method)
        }
        return result
    }

    @Test func everyKnownPathAnswers405WithAllow() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            for (path, methods) in Self.paths {
                for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where !methods.contains(method.rawValue) {
                    try await client.execute(uri: path, method: method) { response in
                        #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                        #expect(response.headers[.allow] == methods.sorted().joined(separator: ", "), "\(method) \(path)")
                        let error = HTTPJSON.object(response)["error"] as? [String: Any]
                        #expect(error?["code"] as? String == "method_not_allowed", "\(method) \(path)")
                        #expect(HTTPJSON.object(response)["request_id"] is String)
                    }
                }
            }
        }
    }

    @Test func literalPathsWinAndUnknownPathsStay404() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            // `/faces/detect` is the POST route, not `DELETE /faces/{face_id}`.
            try await client.execute(uri: "/faces/detect", method: .delete) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST")
            }
            for (method, uri) in [(HTTPRequest.Method.get, "/no/such/route"), (.delete, "/faces/x1/crop/more"), (.get, "/facedb")] {
                let (status, json) = try await HTTPJSON.call(client, method, uri)
                #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "not_found", "\(uri)")
            }
            // A handler's own 404 keeps its code.
            let (status, json) = try await HTTPJSON.call(client, .delete, "/faces/123456")
            #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "face_not_found")
        }
    }
}
