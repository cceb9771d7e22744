import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VisageCore

@testable import VisageServer

/// Every image-taking route reads its body into its request type the same way, from JSON or
/// multipart, with the real photo analysed: fields of either body, wrong types named, and bodies
/// that are not objects refused.
@Suite struct RequestBodyTests {
    static let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path

    static func code(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    @Test func jsonAndMultipartFieldsDecodeAlike() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let image = try Data(contentsOf: URL(fileURLWithPath: Self.photo))
        try await app.test(.router) { client in
            // A file part under any field name is the image; a form's `1` is a flag.
            var form = MultipartBody()
            form.file("photo", filename: "group.jpg", image)
            form.field("embeddings", "1")
            try await client.execute(uri: "/faces/detect", method: .post, headers: [.contentType: form.contentType], body: form.buffer) { response in
                let faces = HTTPJSON.object(response)["faces"] as? [[String: Any]] ?? []
                #expect(response.status == .ok && faces.count == 3 && faces.allSatisfy { $0["embedding"] is [Double] })
            }
            // JSON numbers and flags may come as text, as a form sends them.
            var (status, json) = try await HTTPJSON.call(client, .post, "/faces/detect", ["image_path": Self.photo, "embeddings": "true"])
            #expect(status == .ok && (json["faces"] as? [[String: Any]])?.first?["embedding"] is [Double])
            (status, json) = try await HTTPJSON.call(
                client, .post, "/facedb/images", ["image_path": Self.photo, "image_id": "g", "min_face_size": "0"])
            #expect(status == .ok, "\(json)")
            (status, json) = try await HTTPJSON.call(client, .post, "/facedb/search", ["image_path": Self.photo, "top_k": "1", "min_face_size": 0])
            #expect(status == .ok && ((json["faces"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1, "\(json)")
        }
    }

    /// MultipartKit traps on a header name byte over 0x7F (the `multipart` fuzz target's find):
    /// such a body is `invalid_multipart`, while non-ASCII header values and file bytes still parse.
    @Test func nonASCIIHeaderNamesAreRefusedBeforeMultipartKit() throws {
        func body(_ parts: [UInt8]...) -> ByteBuffer { ByteBuffer(bytes: parts.joined()) }
        let crlf = Array("\r\n".utf8)
        let refused = body(Array("--B\r\nContent-Dispo".utf8), [0xF3], Array("sition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n".utf8))
        #expect {
            try MultipartForm.parse(refused, contentType: "multipart/form-data; boundary=B")
        } throws: {
            ($0 as? VisageError)?.code == "invalid_multipart"
        }
        let accepted = body(
            Array("--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"Zoë.jpg\"\r\n\r\n".utf8),
            [0xFF, 0xD8] + crlf + [0xF3] + Array(": --B".utf8) + [0xFF] + crlf,
            Array("--B--\r\n".utf8))
        let form = try MultipartForm.parse(accepted, contentType: "multipart/form-data; boundary=B")
        #expect(form.uploads.map(\.filename) == ["Zoë.jpg"])
        #expect(form.uploads.first?.data == Data([0xFF, 0xD8] + crlf + [0xF3] + Array(": --B".utf8) + [0xFF]))
    }

    @Test func wrongTypesAndShapesKeepTheirCodes() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let cases: [(String, String, String)] = [
            ("/faces/detect", #"{"image_path": 5}"#, "invalid_request"),
            ("/faces/detect", #"{"image_path": "\#(Self.photo)", "embeddings": 2}"#, "invalid_request"),
            ("/faces/detect", #"[{"image_path": "x"}]"#, "invalid_json"),
            ("/faces/detect", #""image_path""#, "invalid_json"),
            ("/faces/detect", "", "invalid_json"),
            ("/facedb/search", #"{"image_path": "\#(Self.photo)", "top_k": true}"#, "invalid_request"),
            ("/facedb/search", #"{"image_path": "\#(Self.photo)", "top_k": 2.5}"#, "invalid_request"),
            ("/facedb/images", #"{"image_path": "\#(Self.photo)", "image_id": ["a"]}"#, "invalid_request"),
            ("/facedb/images", #"{"image_path": "\#(Self.photo)", "image_id": "a", "collection": 7}"#, "invalid_request"),
        ]
        try await app.test(.router) { client in
            for (uri, body, code) in cases {
                try await client.execute(
                    uri: uri, method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: body)
                ) { response in
                    let json = HTTPJSON.object(response)
                    #expect(response.status == .badRequest && Self.code(json) == code, "\(uri) \(body): \(json)")
                }
            }
            // seed 004: `images` must be an array; an entry of the wrong shape fails alone.
            var (status, json) = try await HTTPJSON.call(client, .post, "/extract-faces", ["images": "x"])
            #expect(status == .badRequest && json["code"] as? String == "invalid_request")
            let base64 = try Data(contentsOf: URL(fileURLWithPath: Self.photo)).base64EncodedString()
            (status, json) = try await HTTPJSON.call(
                client, .post, "/extract-faces",
                ["images": [["image_base64": base64], ["image_url": 5], "x", ["image_url": "a", "image_base64": "b"]]])
            #expect(status == .ok && (json["faces"] as? [Any])?.count == 3, "\(json.keys)")
            #expect((json["errors"] as? [[String: Any]])?.map { $0["index"] as? Int } == [1, 2, 3])
        }
    }

    /// exiftool regions from a recognise request: coordinates that are no numbers (`nan`, `inf`)
    /// are refused, absurd finite ones are matched against nothing; nothing crashes.
    @Test func absurdRegionCoordinatesNeverCrash() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            for (value, expected) in [("nan", HTTPResponse.Status.badRequest), ("inf", .badRequest), ("1e308", .ok), ("-1e308", .ok)] {
                let area: [String: Any] = ["X": value, "Y": 0.5, "W": value, "H": 0.1, "Unit": "normalized"]
                let regions: [String: Any] = [
                    "AppliedToDimensions": ["W": 2000, "H": 1333, "Unit": "pixel"],
                    "RegionList": [["Area": area, "Name": "Nobody", "Type": "Face"]],
                ]
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/faces/recognize",
                    [
                        "image_id": "g-\(value)", "image_path": Self.photo, "orientation": 1,
                        "xmp_regions": regions,
                    ])
                #expect(status == expected, "\(value): \(json)")
            }
        }
    }
}
