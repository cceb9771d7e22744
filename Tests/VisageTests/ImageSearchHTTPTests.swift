import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageSQLite
import VisageTasks

@testable import VisageServer

/// Seed 000's image search through HTTP with the tiny CLIP of scripts/make_tiny_models.py, whose
/// image encoder embeds an image's mean colour and whose text encoder maps colour words onto the
/// same axes: `/images/encode` stores, `/search` finds the red image for "a red car", and
/// `/search/similar` finds the image of the nearest colour, never the example itself.
@Suite(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
struct ImageSearchHTTPTests {
    typealias Support = TaskTestSupport
    static let colours: [(String, UInt8, UInt8, UInt8)] = [
        ("red", 220, 30, 30), ("dark-red", 150, 20, 25), ("green", 30, 200, 40), ("blue", 25, 40, 210), ("yellow", 230, 220, 30),
    ]

    static func encode(_ client: some TestClientProtocol, _ id: String, _ png: Data) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await HTTPJSON.call(client, .post, "/images/encode", ["image_id": id, "image_base64": png.base64EncodedString()])
    }

    static func ids(_ json: [String: Any]) -> [String] {
        (json["results"] as? [[String: Any]] ?? []).compactMap { $0["image_id"] as? String }
    }

    static func scores(_ json: [String: Any]) -> [Double] {
        (json["results"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
    }

    @Test func encodedImagesAreFoundByTextAndByExample() async throws {
        let models = try Support.models()
        let clipName = try #require(models.clip.model?.name)
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let (_, health) = try await HTTPJSON.call(client, .get, "/health")
            #expect((health["models_loaded"] as? [String: Bool])?["clip"] == true, "\(health)")
            for (id, red, green, blue) in Self.colours {
                let (status, json) = try await Self.encode(client, id, try Support.solidPNG(red, green, blue))
                #expect(status == .ok, "\(json)")
                #expect(json["embedding_stored"] as? Bool == true && json["replaced"] as? Bool == false)
                #expect(json["dimensions"] as? Int == 512 && json["image_path"] is NSNull)
                #expect((json["models_used"] as? [String: String])?["image_encoding"] == clipName)
            }
            // Text: each colour's sentence finds that colour first.
            for (word, expected) in [("red", ["red", "dark-red"]), ("green", ["green"]), ("blue", ["blue"]), ("yellow", ["yellow"])] {
                let (status, json) = try await HTTPJSON.call(client, .post, "/search", ["query": "a \(word) car", "limit": 5])
                #expect(status == .ok, "\(json)")
                #expect(json["query"] as? String == "a \(word) car")
                #expect(Array(Self.ids(json).prefix(expected.count)).sorted() == expected.sorted(), "\(word): \(Self.ids(json))")
                #expect(Self.scores(json) == Self.scores(json).sorted(by: >))
            }
            // limit and min_score cut the list.
            let (_, two) = try await HTTPJSON.call(client, .post, "/search", ["query": "a red car", "limit": 2])
            #expect(Self.ids(two).count == 2)
            let (_, all) = try await HTTPJSON.call(client, .post, "/search", ["query": "a red car", "limit": 10])
            let cut = try #require(Self.scores(all).dropFirst().first)
            let (_, strict) = try await HTTPJSON.call(client, .post, "/search", ["query": "a red car", "min_score": cut + 1e-4])
            #expect(Self.ids(strict) == [Self.ids(all)[0]], "\(Self.scores(all))")
            // By example: the stored red image finds dark red first, never itself.
            let (status, similar) = try await HTTPJSON.call(client, .post, "/search/similar", ["image_id": "red", "limit": 3])
            #expect(status == .ok, "\(similar)")
            #expect(similar["image_id"] as? String == "red")
            #expect(Self.ids(similar).first == "dark-red" && !Self.ids(similar).contains("red"), "\(Self.ids(similar))")
            // A sent image (with no id) is embedded and searched: a bluish green finds green.
            let sent = try Support.solidPNG(40, 190, 90).base64EncodedString()
            let (_, byImage) = try await HTTPJSON.call(client, .post, "/search/similar", ["image_base64": sent, "limit": 1])
            #expect(Self.ids(byImage) == ["green"] && byImage["image_id"] is NSNull, "\(byImage)")
            // An id that is not encoded, sent with its image: the image is used, the id excluded.
            let (_, newID) = try await HTTPJSON.call(client, .post, "/search/similar", ["image_id": "not-yet", "image_base64": sent])
            #expect(Self.ids(newID).first == "green")
            // Re-encoding replaces: the same count, the new colour found.
            let (_, replaced) = try await Self.encode(client, "yellow", try Support.solidPNG(20, 30, 240))
            #expect(replaced["replaced"] as? Bool == true)
            let (_, blues) = try await HTTPJSON.call(client, .post, "/search", ["query": "blue", "limit": 10])
            #expect(Set(Self.ids(blues).prefix(2)) == ["blue", "yellow"] && Self.ids(blues).count == 5, "\(Self.ids(blues))")
        }
    }

    /// Seed 000's request shape: `image_id` and `image_path`, echoed back; the path's photo is found.
    @Test func theSeedsPathRequestIsEncodedAndEchoed() async throws {
        let folder = TestServices.temporaryDirectory()
        let path = folder.appendingPathComponent("green.png").path
        try Support.solidPNG(30, 200, 40).write(to: URL(fileURLWithPath: path))
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        try await app.test(.router) { client in
            let (status, json) = try await HTTPJSON.call(client, .post, "/images/encode", ["image_id": "uuid-1", "image_path": path])
            #expect(status == .ok, "\(json)")
            #expect(json["image_id"] as? String == "uuid-1" && json["image_path"] as? String == path)
            let (_, found) = try await HTTPJSON.call(client, .post, "/search", ["query": "person smiling outdoors in a green park"])
            let first = try #require((found["results"] as? [[String: Any]])?.first)
            #expect(first["image_id"] as? String == "uuid-1" && first["image_path"] as? String == path)
            // The seed's /search/similar sends both: the stored embedding is used, itself excluded.
            let (_, similar) = try await HTTPJSON.call(client, .post, "/search/similar", ["image_id": "uuid-1", "image_path": path])
            #expect(Self.ids(similar).isEmpty, "\(similar)")
        }
    }

    /// Encoded images are training examples by id: a "reds" classifier trained from stored CLIP
    /// embeddings alone says yes to a red photo and no to a blue one through `classify`.
    @Test func encodedImagesTrainAClassifierByTheirIDs() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        let reds: [(UInt8, UInt8, UInt8)] = [(220, 30, 30), (180, 40, 20), (240, 80, 60), (160, 10, 40)]
        let others: [(UInt8, UInt8, UInt8)] = [(30, 200, 40), (25, 40, 210), (230, 220, 30), (40, 160, 200)]
        try await app.test(.router) { client in
            for (index, colour) in (reds + others).enumerated() {
                let (status, json) = try await Self.encode(client, "c\(index)", try Support.solidPNG(colour.0, colour.1, colour.2))
                #expect(status == .ok, "\(json)")
            }
            let ids = (0..<8).map { ["image_id": "c\($0)"] }
            let (trained, answer) = try await HTTPJSON.call(
                client, .post, "/classifiers/7/train",
                ["embedding": "clip", "positives": Array(ids.prefix(4)), "negatives": Array(ids.suffix(4)), "holdout_fraction": 0.25])
            #expect(trained == .created, "\(answer)")
            for (colour, expected) in [((200, 20, 30), true), ((20, 30, 200), false)] as [((UInt8, UInt8, UInt8), Bool)] {
                var task = Support.task("is_red", "classify")
                task["params"] = ["collection_id": 7]
                let (status, json) = try await Support.upload(
                    client, try Support.solidPNG(colour.0, colour.1, colour.2), tasksJSON: Support.json([task]))
                let data = Support.results(json)["is_red"]?["data"] as? [String: Any]
                #expect(status == .ok && data?["is_in_collection"] as? Bool == expected, "\(colour): \(json)")
            }
            // An id that was never encoded names what to do.
            let (refused, error) = try await HTTPJSON.call(
                client, .post, "/classifiers/8/train",
                ["embedding": "clip", "positives": [["image_id": "never"]] + Array(ids.prefix(3)), "negatives": Array(ids.suffix(4))])
            #expect(refused == .badRequest && (error["error"] as? [String: Any])?["code"] as? String == "image_not_encoded", "\(error)")
        }
    }

    /// Embeddings live in the database: a server opened on the same file finds them.
    @Test func embeddingsOutliveTheServer() async throws {
        let file = TestServices.temporaryDirectory().appendingPathComponent("visage.sqlite").path
        let models = try Support.models()
        let first = try SQLiteFaceStore(path: file)
        try await VisageApplication.build(services: try TestServices.make(store: first, taskModels: models)).test(.router) { client in
            _ = try await Self.encode(client, "blue", try Support.solidPNG(25, 40, 210))
            _ = try await Self.encode(client, "red", try Support.solidPNG(220, 30, 30))
        }
        let reopened = try SQLiteFaceStore(path: file)
        try await VisageApplication.build(services: try TestServices.make(store: reopened, taskModels: models)).test(.router) { client in
            let (_, json) = try await HTTPJSON.call(client, .post, "/search", ["query": "a blue sky"])
            #expect(Self.ids(json) == ["blue", "red"], "\(json)")
        }
    }

    @Test func withoutCLIPEveryRouteNamesWhatToInstall() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (_, health) = try await HTTPJSON.call(client, .get, "/health")
            #expect((health["models_loaded"] as? [String: Bool])?["clip"] == false, "\(health)")
            let png = try Support.solidPNG(1, 2, 3).base64EncodedString()
            for (uri, body) in [
                ("/images/encode", ["image_id": "a", "image_base64": png]), ("/search", ["query": "a dog"]),
                ("/search/similar", ["image_id": "a"]), ("/search/similar", ["image_base64": png]),
            ] as [(String, [String: Any])] {
                let (status, json) = try await HTTPJSON.call(client, .post, uri, body)
                #expect(status == .serviceUnavailable, "\(uri): \(json)")
                #expect((json["error"] as? [String: Any])?["code"] as? String == "model_not_installed", "\(uri): \(json)")
            }
        }
    }

    @Test func badRequestsAreRefusedWithTheirCodes() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        let png = try Support.solidPNG(1, 2, 3).base64EncodedString()
        try await app.test(.router) { client in
            let cases: [(String, [String: Any], HTTPResponse.Status, String)] = [
                ("/images/encode", ["image_base64": png], .badRequest, "invalid_request"),
                ("/images/encode", ["image_id": "x"], .badRequest, "invalid_request"),
                ("/images/encode", ["image_id": "x", "image_base64": "bm90IGFuIGltYWdl"], .badRequest, "image_format_unsupported"),
                ("/images/encode", ["image_id": String(repeating: "x", count: 1025), "image_base64": png], .badRequest, "text_too_long"),
                ("/search", [:], .badRequest, "invalid_request"),
                ("/search", ["query": "   "], .badRequest, "invalid_request"),
                ("/search", ["query": String(repeating: "dog ", count: 300)], .badRequest, "invalid_request"),
                ("/search", ["query": "dog", "limit": 0], .badRequest, "invalid_request"),
                ("/search", ["query": "dog", "min_score": 2], .badRequest, "invalid_request"),
                ("/search/similar", [:], .badRequest, "invalid_request"),
                ("/search/similar", ["image_id": "never-encoded"], .notFound, "image_unknown"),
            ]
            for (uri, body, expected, code) in cases {
                let (status, json) = try await HTTPJSON.call(client, .post, uri, body)
                #expect(status == expected, "\(uri) \(body.keys.sorted()): \(json)")
                #expect((json["error"] as? [String: Any])?["code"] as? String == code, "\(uri) \(body.keys.sorted()): \(json)")
            }
        }
    }
}
