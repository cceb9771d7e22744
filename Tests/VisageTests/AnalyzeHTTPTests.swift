import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageTasks

@testable import VisageServer

/// Seed 000's `POST /analyze`: recognise, caption and encode one photo in one call, with the real
/// face models and the tiny captioner and CLIP; each part answers as its own route would, and a
/// part whose model is missing is skipped with its reason while recognition still runs.
@Suite(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
struct AnalyzeHTTPTests {
    static let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path

    @Test func oneCallRecognisesCaptionsAndEncodes() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try TaskTestSupport.models()))
        try await app.test(.router) { client in
            let (status, json) = try await HTTPJSON.call(
                client, .post, "/analyze", ["image_id": "team-1", "image_path": Self.photo, "orientation": 1])
            #expect(status == .ok, "\(json)")
            let faces = (json["face_recognition"] as? [String: Any])?["faces"] as? [[String: Any]] ?? []
            #expect(faces.count >= 2, "\(json)")
            #expect((json["face_recognition"] as? [String: Any])?["image_id"] as? String == "team-1")
            let caption = try #require(json["image_caption"] as? [String: Any], "\(json)")
            #expect(caption["image_id"] as? String == "team-1" && caption["image_path"] as? String == Self.photo)
            #expect((caption["description"] as? String ?? "").hasPrefix("a "), "\(caption)")
            #expect((caption["models_used"] as? [String: String])?["image_captioning"] != nil)
            let encoded = try #require(json["image_encode"] as? [String: Any], "\(json)")
            #expect(encoded["embedding_stored"] as? Bool == true && encoded["dimensions"] as? Int == 512 && encoded["replaced"] as? Bool == false)
            #expect((json["skipped"] as? [String: Any])?.isEmpty == true)

            // Each part is the same as its own route's: the faces are in the library, the image
            // is found by search, and the caption is the one /images/caption writes.
            let (_, info) = try await HTTPJSON.call(client, .get, "/images/team-1")
            #expect((info["faces"] as? [Any])?.count == faces.count, "\(info)")
            let (_, found) = try await HTTPJSON.call(client, .post, "/search", ["query": "a photo"])
            #expect((found["results"] as? [[String: Any]])?.first?["image_id"] as? String == "team-1")
            let (_, alone) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_id": "team-1", "image_path": Self.photo])
            #expect(alone["description"] as? String == caption["description"] as? String)
            // Again: the same faces (identity kept), the embedding replaced.
            let (_, again) = try await HTTPJSON.call(client, .post, "/analyze", ["image_id": "team-1", "image_path": Self.photo, "orientation": 1])
            #expect((again["image_encode"] as? [String: Any])?["replaced"] as? Bool == true)
            let ids = { (answer: [String: Any]) in
                ((answer["face_recognition"] as? [String: Any])?["faces"] as? [[String: Any]] ?? []).compactMap { $0["face_id"] as? Int }.sorted()
            }
            #expect(ids(again) == ids(json))
        }
    }

    @Test func withOnlyTheFaceModelsTheOtherPartsAreSkipped() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (status, json) = try await HTTPJSON.call(
                client, .post, "/analyze", ["image_id": "team-1", "image_path": Self.photo, "orientation": 1])
            #expect(status == .ok, "\(json)")
            #expect(((json["face_recognition"] as? [String: Any])?["faces"] as? [Any])?.count ?? 0 >= 2)
            #expect(json["image_caption"] is NSNull && json["image_encode"] is NSNull)
            let skipped = json["skipped"] as? [String: String] ?? [:]
            #expect(Set(skipped.keys) == ["image_caption", "image_encode"], "\(skipped)")
            #expect(skipped.values.allSatisfy { $0.hasPrefix("model_not_installed: ") }, "\(skipped)")
        }
    }

    @Test func badRequestsAreRefusedAsRecogniseRefusesThem() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try TaskTestSupport.models()))
        try await app.test(.router) { client in
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["image_id": "a", "image_path": Self.photo], .badRequest, "invalid_orientation"),
                (["image_id": "a", "image_path": "/nonexistent/x.jpg", "orientation": 1], .notFound, "image_not_found"),
                (["image_path": Self.photo, "orientation": 1], .badRequest, "invalid_json"),
                (["image_id": "a", "image_path": Self.photo, "orientation": 9], .badRequest, "invalid_orientation"),
            ]
            for (body, expected, code) in cases {
                let (status, json) = try await HTTPJSON.call(client, .post, "/analyze", body)
                #expect(status == expected, "\(body): \(json)")
                #expect((json["error"] as? [String: Any])?["code"] as? String == code, "\(body): \(json)")
            }
        }
    }
}
