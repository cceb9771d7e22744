import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import VisageServer

/// Every number a client sends is checked before it is used: NaN, infinities, values beyond a
/// Double or an Int, negatives and out-of-range values answer 400, never a crash. Regression
/// tests for `GET /faces/{id}/crop?size=nan`, which ended the process (SIGILL in `Int(Double)`).
@Suite struct RequestNumbersTests {
    static let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
    static let crashInputs = ["nan", "NaN", "inf", "-inf", "infinity", "1e20", "-1e300", "1e400", "9223372036854775808", "-5"]

    static func code(_ response: TestResponse) -> String? {
        (HTTPJSON.object(response)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func cropSizeIsCheckedBeforeItBecomesAnInt() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/recognize",
                ["image_id": "group", "image_path": Self.photo, "orientation": 1])
            #expect(status == .ok)
            let faceID = try #require((json["faces"] as? [[String: Any]])?.first?["face_id"] as? Int)
            for size in Self.crashInputs + ["15", "1025", "abc", ""] {
                let query = size.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? size
                try await client.execute(uri: "/faces/\(faceID)/crop?size=\(query)", method: .get) { response in
                    #expect(response.status == .badRequest, "size=\(size)")
                    #expect(Self.code(response) == "invalid_request", "size=\(size)")
                }
            }
            // The server is still up, and a good size still crops.
            try await client.execute(uri: "/faces/\(faceID)/crop?size=64", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
            }
        }
    }

    @Test func queryNumbersRefuseNonFiniteValues() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            for value in Self.crashInputs {
                try await client.execute(uri: "/faces/suggestions?min_similarity=\(value)", method: .get) { response in
                    #expect(response.status == .badRequest && Self.code(response) == "invalid_request", "min_similarity=\(value)")
                }
            }
        }
    }

    /// Form fields and JSON numbers of the routes that analyse images, refused before any
    /// analysis; the photo is real, so a value that slipped through would be analysed.
    @Test func bodyNumbersRefuseNonFiniteAndOutOfRangeValues() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let fields = [
            ("/facedb/search", "top_k"), ("/facedb/search", "max_distance"), ("/facedb/search", "min_similarity"),
            ("/facedb/search", "min_face_size"), ("/facedb/images", "min_face_size"),
            ("/extract-faces", "similarity_threshold"), ("/extract-faces", "min_face_size"),
        ]
        let image = try Data(contentsOf: URL(fileURLWithPath: Self.photo))
        try await app.test(.router) { client in
            for (uri, field) in fields {
                for value in Self.crashInputs {
                    var form = MultipartBody()
                    form.file("image", filename: "group.jpg", image)
                    form.field("image_id", "group")
                    form.field(field, value)
                    try await client.execute(uri: uri, method: .post, headers: [.contentType: form.contentType], body: form.buffer) { response in
                        #expect(response.status == .badRequest, "\(uri) \(field)=\(value): \(String(buffer: response.body))")
                        let json = HTTPJSON.object(response)
                        let code = uri == "/extract-faces" ? json["code"] as? String : Self.code(response)
                        #expect(code == "invalid_request", "\(uri) \(field)=\(value)")
                    }
                }
                // JSON numbers beyond a Double (1e400) and beyond an Int.
                for raw in ["1e400", "-1e400", "1e20", "-1e300"] {
                    let body =
                        uri == "/extract-faces"
                        ? "{\"images\": [{\"image_url\": \"http://127.0.0.1:9/x.jpg\"}], \"\(field)\": \(raw)}"
                        : "{\"image_path\": \"\(Self.photo)\", \"image_id\": \"group\", \"\(field)\": \(raw)}"
                    try await client.execute(
                        uri: uri, method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    ) { response in
                        #expect(response.status == .badRequest, "\(uri) \(field)=\(raw): \(String(buffer: response.body))")
                    }
                }
            }
            #expect(try await HTTPJSON.call(client, .get, "/health").status == .ok)
        }
    }
}
