import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageCore
import VisageImaging

@testable import VisageInput
@testable import VisageServer

/// `POST /extract-faces` (seed 004) through HTTP: URLs from a local image server, base64 and
/// data URIs, a corrupt image and an unreachable URL in one batch; limits; `/ready`; CORS.
@Suite struct ExtractFacesHTTPTests {
    static func base64(_ relative: String) -> String {
        (try? Data(contentsOf: CLI.testdata.appendingPathComponent(relative)))?.base64EncodedString() ?? ""
    }

    /// Without `similarity_threshold`, the pack's same-person threshold applies (0.45 for lite);
    /// a configured default wins over it.
    @Test func theDefaultThresholdIsThePacksSamePersonThreshold() throws {
        #expect(try TestServices.make().extractionRoutes.defaultSimilarity == 0.45)
        let configured = try TestServices.make(extraction: ExtractionSettings(similarityThreshold: 0.4))
        #expect(configured.extractionRoutes.defaultSimilarity == 0.4)
    }

    @Test func mixedBatchProcessesTheGoodAndReportsTheBad() async throws {
        try await ImageInputTests.withImageServer { port, _ in
            try await ImageInputTests.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher))
                let images: [[String: Any]] = [
                    ["image_url": "http://127.0.0.1:\(port)/photo.jpg"],  // 0: a crowd, by URL
                    ["image_base64": Self.base64("faces_group/face_recognition_obama_and_biden.jpg")],  // 1: plain base64
                    ["image_base64": "data:image/jpeg;base64," + Self.base64("faces_group/face_recognition_obama_and_biden.jpg")],  // 2: same photo
                    ["image_base64": Self.base64("formats/corrupt/sharp_truncated.jpg")],  // 3: corrupt
                    ["image_url": "http://127.0.0.1:1/photo.jpg"],  // 4: not allowed (loopback)
                    ["image_url": "http://127.0.0.1:\(port)/missing"],  // 5: 404
                    ["image_url": "http://169.254.169.254/latest/meta-data/"],  // 6: metadata
                ]
                let body = HTTPJSON.body(["images": images])
                try await app.test(.router) { client in
                    let (status, json) = try await client.execute(
                        uri: "/extract-faces", method: .post,
                        headers: [.contentType: "application/json"], body: body
                    ) {
                        ($0.status, HTTPJSON.object($0))
                    }
                    #expect(status == .ok, "\(json)")
                    #expect(json["images_processed"] as? Int == 3)
                    let errors = (json["errors"] as? [[String: Any]] ?? []).map { ($0["index"] as? Int ?? -1, $0["code"] as? String ?? "") }
                    #expect(errors.map(\.0) == [3, 4, 5, 6])
                    #expect(errors.map(\.1) == ["image_truncated", "url_not_allowed", "url_http_error", "url_not_allowed"])
                    let faces = json["faces"] as? [[String: Any]] ?? []
                    let total = json["total_faces_detected"] as? Int ?? 0
                    #expect(json["unique_faces"] as? Int == faces.count)
                    // The same photo twice: its faces are duplicates of each other.
                    #expect(faces.count < total && faces.count > 0)
                    #expect(json["request_id"] as? String != nil && json["processing_time_ms"] as? Double != nil)
                    for face in faces.prefix(5) {
                        #expect((face["embedding"] as? [Double])?.count == 128)
                        let headshot = try #require(face["headshot_base64"] as? String)
                        #expect(headshot.hasPrefix("data:image/jpeg;base64,"))
                        let data = try #require(Data(base64Encoded: String(headshot.dropFirst("data:image/jpeg;base64,".count))))
                        let decoded = try ImageDecoder().decode(.bytes(data))
                        #expect(decoded.image.width == 160 && decoded.image.height == 160)
                        #expect(UUID(uuidString: face["face_id"] as? String ?? "") != nil)
                    }
                }
            }
        }
    }

    /// The same batch as uploads: one file part per image, the numbers as form fields, and a
    /// JSON-only entry mistake (an image with both fields) failing alone.
    @Test func multipartUploadsAreABatch() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let obamaAndBiden = try Data(contentsOf: CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg"))
        var form = MultipartBody()
        form.file("images", filename: "a.jpg", obamaAndBiden, type: "image/jpeg")
        form.file("images", filename: "b.jpg", obamaAndBiden, type: "image/jpeg")
        form.file("images", filename: "broken.jpg", try Data(contentsOf: CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.jpg")))
        form.field("similarity_threshold", "0.4")
        form.field("min_face_size", "20")
        let (body, contentType) = (form.buffer, form.contentType)
        try await app.test(.router) { client in
            let (status, json) = try await client.execute(
                uri: "/extract-faces", method: .post, headers: [.contentType: contentType],
                body: body
            ) { ($0.status, HTTPJSON.object($0)) }
            #expect(status == .ok, "\(json)")
            #expect(json["images_processed"] as? Int == 2)
            #expect((json["errors"] as? [[String: Any]])?.map { $0["index"] as? Int } == [2])
            // Two copies of one photo: each face is found twice and kept once.
            #expect(json["total_faces_detected"] as? Int == 2 * (json["unique_faces"] as? Int ?? 0))
            #expect((json["faces"] as? [[String: Any]])?.allSatisfy { $0["occurrences"] as? Int == 2 } == true)

            let mixed = try await HTTPJSON.call(
                client, .post, "/extract-faces",
                [
                    "images": [
                        ["image_base64": obamaAndBiden.base64EncodedString()], ["image_base64": "AAAA", "image_url": "http://example.com/x.jpg"], [:],
                    ]
                ])
            #expect(mixed.status == .ok && mixed.json["images_processed"] as? Int == 1)
            #expect((mixed.json["errors"] as? [[String: Any]])?.map { $0["code"] as? String } == ["invalid_request", "invalid_request"])
        }
    }

    @Test func limitsReadinessAndCORS() async throws {
        let services = try TestServices.make(extraction: ExtractionSettings(maxImagesPerRequest: 2, maxRequestBytes: 64 * 1024))
        let app = VisageApplication.build(services: services, allowedOrigins: "https://photos.example")
        try await app.test(.router) { client in
            let three = Array(repeating: ["image_base64": "AAAA"], count: 3)
            var (status, json) = try await HTTPJSON.call(client, .post, "/extract-faces", ["images": three])
            #expect(status == .badRequest && json["code"] as? String == "too_many_images" && json["error"] is String)
            #expect(json["timestamp"] as? String != nil && json["request_id"] as? String != nil)
            (status, json) = try await HTTPJSON.call(
                client, .post, "/extract-faces", ["images": [["image_base64": "AAAA"]], "similarity_threshold": 2])
            #expect(status == .badRequest && json["code"] as? String == "invalid_request" && json["error"] is String)
            // Over VISAGE_MAX_REQUEST_BYTES: 413, on uploads as on JSON.
            (status, json) = try await HTTPJSON.call(
                client, .post, "/extract-faces", ["images": [["image_base64": String(repeating: "A", count: 100_000)]]])
            #expect(status == .contentTooLarge && json["code"] as? String == "request_too_large" && json["error"] is String)
            var upload = MultipartBody()
            upload.field("image_id", "big")
            upload.file("image", filename: "big.jpg", Data(count: 100_000))
            let uploaded = try await client.execute(
                uri: "/facedb/images", method: .post, headers: [.contentType: upload.contentType],
                body: upload.buffer
            ) { $0.status }
            #expect(uploaded == .contentTooLarge)
            (status, json) = try await HTTPJSON.call(client, .get, "/ready")
            #expect(status == .ok && json["status"] as? String == "ready" && json["version"] as? String == ServerServices.visageVersion)
            try await client.execute(
                uri: "/extract-faces", method: .options,
                headers: [.origin: "https://photos.example", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://photos.example")
            }
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func slowRequestsGet408() async throws {
        let error = await #expect(throws: (any Error).self) {
            try await RequestTimeout.run(0.05) {
                try await Task.sleep(for: .seconds(5)); return 1
            }
        }
        #expect((error as? VisageCore.VisageError)?.code == "request_timeout")
        #expect(VisageCore.ErrorCode.requestTimeout.status == 408)
    }
}
