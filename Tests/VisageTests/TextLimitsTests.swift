import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import VisageServer

/// Names and ids a client sends are bounded in length and free of control characters; each
/// refusal has its own code (`text_too_long`, `invalid_characters`), before anything is stored.
@Suite struct TextLimitsTests {
    static let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
    static let long = String(repeating: "x", count: 100_000)

    static func code(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    @Test func jsonBodiesRefuseLongAndControlCharacterNamesAndIDs() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/recognize",
                ["image_id": "group", "image_path": Self.photo, "orientation": 1])
            #expect(status == .ok)
            let cluster = try #require(((json["faces"] as? [[String: Any]])?.first?["cluster"] as? [String: Any])?["cluster_id"] as? String)
            // The limit itself is accepted (200 scalars; é is one), one more is refused.
            let atLimit = String(repeating: "é", count: TextField.maxNameLength)
            #expect(try await HTTPJSON.call(client, .post, "/faces/clusters/\(cluster)/name", ["name": atLimit]).status == .ok)
            let cases: [(String, [String: Any], String)] = [
                ("/faces/clusters/\(cluster)/name", ["name": atLimit + "é"], "text_too_long"),
                ("/faces/clusters/\(cluster)/name", ["name": Self.long], "text_too_long"),
                ("/faces/clusters/\(cluster)/name", ["name": "Ann\u{0}a"], "invalid_characters"),
                ("/faces/clusters/\(cluster)/name", ["name": "Anna\n"], "invalid_characters"),
                ("/faces/rename", ["old_name": atLimit, "new_name": "B\u{1B}[31m"], "invalid_characters"),
                ("/faces/rename", ["old_name": Self.long, "new_name": "B"], "text_too_long"),
                ("/faces/correct", ["image_id": "group\u{0}", "person_name": "X"], "invalid_characters"),
                ("/faces/correct", ["image_id": "group", "person_name": Self.long], "text_too_long"),
                ("/faces/clusters/merge", ["source_cluster_id": Self.long, "target_cluster_id": cluster], "text_too_long"),
                ("/faces/clusters/\(cluster)/split", ["face_ids": [1], "name": "x\u{7}"], "invalid_characters"),
                ("/faces/recognize", ["image_id": "a\u{0}b", "image_path": Self.photo, "orientation": 1], "invalid_characters"),
                ("/faces/recognize", ["image_id": Self.long, "image_path": Self.photo, "orientation": 1], "text_too_long"),
            ]
            for (uri, body, code) in cases {
                let (status, json) = try await HTTPJSON.call(client, .post, uri, body)
                #expect(status == .badRequest && Self.code(json) == code, "\(uri) \(body.keys.sorted()): \(json)")
            }
            // Nothing was stored under a refused id or name.
            let faces = try await HTTPJSON.call(client, .get, "/images/a%00b")
            #expect(faces.status == .badRequest && Self.code(faces.json) == "invalid_characters")
            let people = try await HTTPJSON.call(client, .get, "/faceinfo")
            #expect(!"\(people.json)".contains("\\u{0}") && !"\(people.json)".contains("Anna\n"))
        }
    }

    @Test func pathAndQueryParametersAreChecked() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let longID = String(repeating: "i", count: TextField.maxImageIDLength + 1)
        try await app.test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.get, "/faces/people/Ann%00a", "invalid_characters"),
                (.get, "/faces/people/" + String(repeating: "n", count: 201), "text_too_long"),
                (.get, "/faceinfo?person_name=a%0Ab", "invalid_characters"),
                (.get, "/faceinfo?cluster_id=" + String(repeating: "c", count: 101), "text_too_long"),
                (.get, "/faces/suggestions?cluster_id=c%00", "invalid_characters"),
                (.get, "/images/" + longID, "text_too_long"),
                (.delete, "/images/x%01", "invalid_characters"),
                (.get, "/faces/clusters/c%00/faces", "invalid_characters"),
                (.get, "/facedb/images/" + longID, "text_too_long"),
                (.delete, "/facedb/images/a%00", "invalid_characters"),
            ]
            for (method, uri, code) in cases {
                let (status, json) = try await HTTPJSON.call(client, method, uri)
                #expect(status == .badRequest && Self.code(json) == code, "\(method) \(uri.prefix(60)): \(json)")
            }
        }
    }

    /// The face database's form fields, with a real upload that would be analysed and stored.
    @Test func faceDatabaseFormFieldsAreChecked() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let image = try Data(contentsOf: URL(fileURLWithPath: Self.photo))
        try await app.test(.router) { client in
            for (field, value, code) in [
                ("image_id", "a\u{0}b", "invalid_characters"), ("image_id", Self.long, "text_too_long"),
                ("file", String(repeating: "f", count: 4097), "text_too_long"), ("file", "a\rb", "invalid_characters"),
            ] {
                var form = MultipartBody()
                form.file("image", filename: "group.jpg", image)
                if field != "image_id" { form.field("image_id", "group") }
                form.field(field, value)
                try await client.execute(
                    uri: "/facedb/images", method: .post, headers: [.contentType: form.contentType],
                    body: form.buffer
                ) { response in
                    let json = HTTPJSON.object(response)
                    #expect(response.status == .badRequest && Self.code(json) == code, "\(field): \(json)")
                }
            }
            let (status, json) = try await HTTPJSON.call(client, .get, "/facedb/collections")
            #expect(status == .ok && (json["collections"] as? [Any])?.isEmpty == true, "nothing was stored: \(json)")
        }
    }
}
