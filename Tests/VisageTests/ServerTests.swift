import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageFaces
import VisageInference
import VisageModels

@testable import VisageServer

/// The HTTP API driven through Hummingbird's test client, with the real lite models.
@Suite struct ServerTests {
    static let services: ServerServices = try! TestServices.make()

    static func json(_ response: TestResponse) -> [String: Any] {
        let body = Data(buffer: response.body)
        return (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    @Test func healthReportsDeviceVersionsAndModels() async throws {
        let app = VisageApplication.build(services: Self.services)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json = Self.json(response)
                #expect(json["status"] as? String == "healthy")
                #expect(json["device"] as? String == "cpu")
                #expect(json["cuda_available"] as? Bool == false)
                #expect(json.keys.contains("gpu_info"))
                let versions = json["versions"] as? [String: String] ?? [:]
                #expect(versions["onnxruntime"]?.hasPrefix("1.") == true && versions["libvips"]?.hasPrefix("8.") == true)
                #expect((json["models_loaded"] as? [String: Bool])?["face"] == true)
                #expect(response.headers[.requestID] != nil)
            }
        }
    }

    /// `visage serve` listens while it loads: alive (`/health` 200, `loading`) but not ready
    /// (`/ready` and every other route 503 `models_not_ready`) until the services are in.
    @Test func listensWhileLoadingThenServes() async throws {
        let (app, startup) = VisageApplication.buildStarting()
        try await app.test(.router) { client in
            let loading = try await HTTPJSON.call(client, .get, "/health")
            #expect(loading.status == .ok && loading.json["status"] as? String == "loading")
            for (method, uri) in [(HTTPRequest.Method.get, "/ready"), (.post, "/faces/detect"), (.get, "/faceinfo"), (.post, "/facedb/search")] {
                let (status, json) = try await HTTPJSON.call(client, method, uri, method == .post ? [:] : nil)
                #expect(status == .serviceUnavailable && (json["error"] as? [String: Any])?["code"] as? String == "models_not_ready", "\(uri)")
            }
            #expect(try await HTTPJSON.call(client, .get, "/openapi.json").status == .ok)

            startup.finish(with: Self.services)
            #expect(try await HTTPJSON.call(client, .get, "/ready").status == .ok)
            #expect(try await HTTPJSON.call(client, .get, "/health").json["status"] as? String == "healthy")
            #expect(try await HTTPJSON.call(client, .get, "/no/such/route").status == .notFound)
        }
    }

    @Test func detectFindsFacesInAServerSidePhoto() async throws {
        let app = VisageApplication.build(services: Self.services)
        let path = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/faces/detect", method: .post, headers: [.contentType: "application/json"],
                body: Self.body(["image_path": path, "embeddings": true])
            ) { response in
                #expect(response.status == .ok)
                let json = Self.json(response)
                let faces = json["faces"] as? [[String: Any]] ?? []
                #expect(faces.count == 3)
                #expect((faces.first?["embedding"] as? [Double])?.count == 128)
                #expect(json["width"] as? Int == 2000)
            }
            // The same photo uploaded, and as base64: the same faces, named by the upload.
            var upload = MultipartBody()
            upload.file("image", filename: "obama_and_biden.jpg", try Data(contentsOf: URL(fileURLWithPath: path)))
            upload.field("embeddings", "false")
            try await client.execute(
                uri: "/faces/detect", method: .post, headers: [.contentType: upload.contentType],
                body: upload.buffer
            ) { response in
                let json = Self.json(response)
                #expect(response.status == .ok && (json["faces"] as? [Any])?.count == 3, "\(json)")
                #expect(json["path"] as? String == "obama_and_biden.jpg")
            }
            let base64 = try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
            try await client.execute(
                uri: "/faces/detect", method: .post, headers: [.contentType: "application/json"],
                body: Self.body(["image_base64": base64])
            ) { response in
                #expect(response.status == .ok && (Self.json(response)["faces"] as? [Any])?.count == 3)
            }
        }
    }

    @Test func callerMistakesAre4xxWithTheirOwnCode() async throws {
        let app = VisageApplication.build(services: Self.services)
        let corrupt = CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.jpg").path
        let cases: [(body: ByteBuffer, status: HTTPResponse.Status, code: String)] = [
            (Self.body(["image_path": "/nonexistent/photo.jpg"]), .notFound, "image_not_found"),
            (Self.body(["image_path": corrupt]), .badRequest, "image_truncated"),
            (ByteBuffer(string: "{not json"), .badRequest, "invalid_json"),
            (Self.body(["embeddings": true]), .badRequest, "invalid_request"),  // no image
            (Self.body(["image_path": corrupt, "embeddings": "maybe"]), .badRequest, "invalid_request"),
        ]
        try await app.test(.router) { client in
            for testCase in cases {
                try await client.execute(
                    uri: "/faces/detect", method: .post, headers: [.requestID: "req-42"],
                    body: testCase.body
                ) { response in
                    #expect(response.status == testCase.status)
                    let json = Self.json(response)
                    #expect((json["error"] as? [String: Any])?["code"] as? String == testCase.code)
                    #expect(json["request_id"] as? String == "req-42")
                }
            }
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                #expect((Self.json(response)["error"] as? [String: Any])?["code"] as? String == "not_found")
            }
        }
    }
}
