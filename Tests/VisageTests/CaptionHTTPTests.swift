import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageCore
import VisageInput
import VisageModels
import VisageTasks

@testable import VisageServer

/// Captioning through HTTP with the tiny captioner of scripts/tiny_captioner.py (it spells the
/// image's dominant colour): seed 001's `describe_image` and seed 000's `POST /images/caption`,
/// `/health`'s `models_loaded.blip`, and the answers without a captioner.
@Suite(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
struct CaptionHTTPTests {
    typealias Support = TaskTestSupport

    @Test func describeImageFromAnUploadAndFromAURL() async throws {
        let models = try Support.models()
        let green = try Support.solidPNG(20, 200, 40), blue = try Support.solidPNG(10, 20, 230)
        try await Support.withFileServer(["blue.png": blue]) { port in
            try await ImageInputTests.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher, taskModels: models))
                try await app.test(.router) { client in
                    let (status, json) = try await Support.upload(
                        client, green, filename: "green.png",
                        tasksJSON: Support.json([
                            Support.task("caption", "describe_image"),
                            Support.task("short", "describe_image", target: "whole_image", maxLength: 2),
                            // No person in a plain image: the whole image, uncropped, as the seed says.
                            Support.task("person", "describe_image", target: "prominent_person"),
                        ]))
                    #expect(status == .ok, "\(json)")
                    let results = Support.results(json)
                    #expect(results["caption"]?["status"] as? String == "success", "\(results)")
                    #expect(results["caption"]?["data"] as? String == "a green square")
                    #expect(results["caption"]?["cropped_image_bbox"] is NSNull)
                    #expect(results["short"]?["data"] as? String == "a green")
                    #expect(results["person"]?["data"] as? String == "a green square")
                    #expect(results["person"]?["cropped_image_base64"] is NSNull)

                    let (byURL, answer) = try await Support.analyze(
                        client, url: "http://127.0.0.1:\(port)/blue.png", tasks: [Support.task("caption", "describe_image")])
                    #expect(byURL == .ok, "\(answer)")
                    #expect(Support.results(answer)["caption"]?["data"] as? String == "a blue square")
                }
            }
        }
    }

    @Test func describeImageErrorsAreTheTasksOwn() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.solidPNG(220, 30, 30),
                tasksJSON: Support.json([
                    Support.task("zero", "describe_image", maxLength: 0),
                    Support.task("huge", "describe_image", maxLength: 100_000),
                    Support.task("face", "describe_image", target: "prominent_face"),
                    Support.task("fine", "describe_image"),
                ]))
            #expect(status == .ok, "\(json)")
            let results = Support.results(json)
            for id in ["zero", "huge"] {
                #expect(results[id]?["status"] as? String == "error")
                #expect(try (results[id]?["error_message"] as? String ?? "").contains("max_length"), "\(id)")
            }
            #expect(results["face"]?["status"] as? String == "error")
            #expect(try (results["face"]?["error_message"] as? String ?? "").contains("no face"))
            #expect(results["fine"]?["data"] as? String == "a red square")

            let (listed, operations) = try await HTTPJSON.call(client, .get, "/available_operations/")
            #expect(listed == .ok)
            let describe = (operations["operations"] as? [String: Any])?["describe_image"] as? [String: Any]
            #expect(describe?["available"] as? Bool == true && describe?["unavailable_reason"] is NSNull)

            // A max_length that is not an integer is the request's mistake, in seed 001's shape.
            let (bad, detail) = try await Support.upload(
                client, try Support.solidPNG(1, 2, 3), tasksJSON: Support.json([Support.task("x", "describe_image", maxLength: "long")]))
            #expect(bad == .badRequest && detail["detail"] is String, "\(detail)")
        }
    }

    @Test func imagesCaptionDescribesTheImage() async throws {
        let folder = TestServices.temporaryDirectory()
        let red = folder.appendingPathComponent("red.png")
        try Support.solidPNG(220, 30, 30).write(to: red)
        try await ImageInputTests.withFetcher(InputPolicy(pathRoots: [folder.path])) { fetcher in
            let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher, taskModels: try Support.models()))
            try await app.test(.router) { client in
                let (status, json) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_id": "img-1", "image_path": red.path])
                #expect(status == .ok, "\(json)")
                #expect(json["image_id"] as? String == "img-1" && json["image_path"] as? String == red.path)
                #expect(json["description"] as? String == "a red square")
                #expect(json["models_used"] as? [String: String] == ["image_captioning": "captioner"])

                let base64 = try Support.solidPNG(10, 20, 230).base64EncodedString()
                let (byBytes, other) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_id": "img-2", "image_base64": base64])
                #expect(byBytes == .ok, "\(other)")
                #expect(other["description"] as? String == "a blue square" && other["image_path"] is NSNull)

                let (noID, refused) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_path": red.path])
                #expect(noID == .badRequest && Self.code(refused) == "invalid_request", "\(refused)")
                let (noImage, refusedImage) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_id": "x"])
                #expect(noImage == .badRequest && Self.code(refusedImage) == "invalid_request")
                let (missing, notFound) = try await HTTPJSON.call(
                    client, .post, "/images/caption", ["image_id": "x", "image_path": folder.appendingPathComponent("none.png").path])
                #expect(missing == .notFound && Self.code(notFound) == "image_not_found", "\(notFound)")

                let (_, health) = try await HTTPJSON.call(client, .get, "/health")
                #expect((health["models_loaded"] as? [String: Bool])?["blip"] == true, "\(health)")
            }
        }
    }

    @Test func withoutACaptionerTheRouteAndTheTaskNameWhatToDownload() async throws {
        let models = try Support.models(store: ModelStore(directory: TestServices.temporaryDirectory()), tiny: false)
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let base64 = try Support.solidPNG(10, 20, 230).base64EncodedString()
            let (status, json) = try await HTTPJSON.call(client, .post, "/images/caption", ["image_id": "x", "image_base64": base64])
            #expect(status == .serviceUnavailable && Self.code(json) == "model_not_installed", "\(json)")
            let message = (json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("Xenova/vit-gpt2-image-captioning") && message.contains("decoder_model_merged.onnx"), "\(message)")

            let (_, health) = try await HTTPJSON.call(client, .get, "/health")
            #expect((health["models_loaded"] as? [String: Bool])?["blip"] == false, "\(health)")
        }
    }

    static func code(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }
}
