import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageCore
import VisageFaces
import VisageImaging
import VisageInput
import VisageModels
import VisageTasks

@testable import VisageServer

/// Seed 001's task API through HTTP, with the real NanoDet and face models and the tiny CLIP and
/// DINOv2 models: the seed's examples, every operation and target, `face_context`, detections
/// run once per request, crops, missing models and bad input.
@Suite(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
struct TasksHTTPTests {
    typealias Support = TaskTestSupport
    static let group = "faces_group/face_recognition_obama_and_biden.jpg"
    static let portrait = "faces_identity/deepface/img1.jpg"

    /// The seed's curl example (four tasks on one URL): every result a success, the face found
    /// inside the person, the embedding's crop at the face's box, one run of each detector.
    @Test func theSeedsURLExampleRunsEveryTask() async throws {
        let models = try Support.models()
        let photo = try Support.testdata(Self.group)
        try await Support.withFileServer(["photo.jpg": photo]) { port in
            try await ImageInputTests.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher, taskModels: models))
                let url = "http://127.0.0.1:\(port)/photo.jpg"
                try await app.test(.router) { client in
                    let (status, json) = try await Support.analyze(
                        client, url: url,
                        tasks: [
                            Support.task("whole_image_embedding", "embed_clip_vit_b_32", target: "whole_image"),
                            Support.task("person_bbox", "detect_bounding_box", target: "prominent_person"),
                            Support.task("face_bbox_from_person", "detect_bounding_box", target: "prominent_face", faceContext: "prominent_person"),
                            Support.task("face_embedding", "embed_clip_vit_b_32", target: "prominent_face", faceContext: "prominent_person"),
                            Support.task("face_anywhere", "detect_bounding_box", target: "prominent_face", faceContext: "whole_image"),
                        ])
                    #expect(status == .ok, "\(json)")
                    #expect(json["image_url"] as? String == url)
                    let results = Support.results(json)
                    #expect(
                        Set(results.keys) == ["whole_image_embedding", "person_bbox", "face_bbox_from_person", "face_embedding", "face_anywhere"])
                    for (id, result) in results {
                        #expect(result["status"] as? String == "success", "\(id): \(result)")
                        #expect(result["error_message"] is NSNull, "\(id)")
                    }
                    let whole = try #require(results["whole_image_embedding"])
                    #expect(Support.vector(whole["data"]).count == 512)
                    #expect(whole["cropped_image_bbox"] is NSNull && whole["cropped_image_base64"] is NSNull)
                    let person = try #require(Support.box(results["person_bbox"]?["data"]))
                    let face = try #require(Support.box(results["face_bbox_from_person"]?["data"]))
                    #expect(results["person_bbox"]?["cropped_image_base64"] is NSNull)
                    #expect(person.count == 4 && face.count == 4)
                    #expect(Self.centre(of: face, isIn: person), "\(face) in \(person)")
                    // The prominent person is Biden (left of centre), so the face in that person is
                    // his; the image's most prominent face is Obama's, right of centre.
                    let anywhere = try #require(Support.box(results["face_anywhere"]?["data"]))
                    #expect(face[0] < 1000 && anywhere[0] > 1000, "in the person \(face), anywhere \(anywhere)")
                    let embedding = try #require(results["face_embedding"])
                    #expect(Support.box(embedding["cropped_image_bbox"]) == face)
                    let decoded = try ImageDecoder().decode(.bytes(photo))
                    try Self.expectCrop(embedding, of: decoded)
                    // The face's embedding is CLIP's on exactly the crop it reports.
                    let clip = try #require(models.clip.model)
                    let crop = try Self.cropImage(embedding)
                    #expect(cosine(try clip.embed(images: [crop])[0], Support.vector(embedding["data"])) > 0.9999)
                    #expect(models.counter.runs(of: .personDetector) == 1 && models.counter.runs(of: .faces) == 1)
                }
            }
        }
    }

    /// The seed's upload example: `image_url` is `uploaded:<filename>`.
    @Test func theSeedsUploadExampleFindsTheFace() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.testdata(Self.portrait), filename: "some_person.jpg",
                tasksJSON: #"[{"operation_id": "face_from_file", "type": "detect_bounding_box", "params": {"target": "prominent_face"}}]"#)
            #expect(status == .ok, "\(json)")
            #expect(json["image_url"] as? String == "uploaded:some_person.jpg")
            let result = try #require(Support.results(json)["face_from_file"])
            #expect(result["status"] as? String == "success")
            let box = try #require(Support.box(result["data"]))
            #expect(box.count == 4 && box[2] > box[0] + 20 && box[3] > box[1] + 20)
        }
    }

    /// Every operation with every target it takes, in one upload: each a success, crops exactly
    /// where a region was cut, every embedding the model's own on that region, and the person and
    /// face detectors run once for all of them.
    @Test func everyOperationAndTargetInOneRequest() async throws {
        let models = try Support.models()
        let photo = try Support.testdata(Self.portrait)
        var tasks: [[String: Any]] = []
        for operation in TaskOperation.allCases where models.unavailability(of: operation) == nil {
            for target in operation.allowedTargets {
                tasks.append(Support.task("\(operation.rawValue)/\(target.rawValue)", operation.rawValue, target: target.rawValue))
            }
        }
        // detect: 2 targets, CLIP, DINOv2 and describe_image: 3 each, embed_face: 1.
        #expect(tasks.count == 12)
        let tasksJSON = Support.json(tasks), taskCount = tasks.count
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(client, photo, tasksJSON: tasksJSON)
            #expect(status == .ok, "\(json)")
            let results = Support.results(json)
            #expect(results.count == taskCount)
            let decoded = try ImageDecoder().decode(.bytes(photo))
            let clip = try #require(models.clip.model), dinov2 = try #require(models.dinov2.model)
            let captioner = try #require(models.captioner.model)
            for (id, result) in results {
                #expect(result["status"] as? String == "success", "\(id): \(result)")
                let cropped = !id.hasPrefix("detect_bounding_box") && !id.hasSuffix("whole_image")
                #expect((result["cropped_image_base64"] is String) == cropped, "\(id)")
                let region = cropped ? try Self.cropImage(result) : decoded.image
                if cropped { try Self.expectCrop(result, of: decoded) }
                let data = Support.vector(result["data"])
                if id.hasPrefix("embed_clip") { #expect(cosine(try clip.embed(images: [region])[0], data) > 0.9999, "\(id)") }
                if id.hasPrefix("embed_dino") { #expect(cosine(try dinov2.embed(region), data) > 0.9999, "\(id)") }
                if id.hasPrefix("describe_image") {
                    var options = captioner.defaults
                    options.maxLength = TaskRunner.defaultMaxLength
                    #expect(result["data"] as? String == (try captioner.caption(region, options: options).text), "\(id)")
                }
            }
            // The portrait's person holds its face, and the face tasks all used the one face.
            let face = Support.box(results["detect_bounding_box/prominent_face"]?["data"])
            #expect(face != nil)
            for id in [
                "embed_clip_vit_b_32/prominent_face", "embed_dino_v2/prominent_face", "embed_face/prominent_face", "describe_image/prominent_face",
            ] {
                #expect(Support.box(results[id]?["cropped_image_bbox"]) == face, "\(id)")
            }
            #expect(
                Support.box(results["embed_clip_vit_b_32/prominent_person"]?["cropped_image_bbox"])
                    == Support.box(results["detect_bounding_box/prominent_person"]?["data"]))
        }
        #expect(models.counter.runs(of: .personDetector) == 1 && models.counter.runs(of: .faces) == 1)
    }

    /// `embed_face` is the recognition embedding: the same vector `FaceAnalyzer` gives that face.
    @Test func embedFaceIsTheRecognitionEmbedding() async throws {
        let photo = try Support.testdata(Self.group)
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, photo, tasksJSON: Support.json([Support.task("face", "embed_face", faceContext: "whole_image")]))
            #expect(status == .ok, "\(json)")
            let result = try #require(Support.results(json)["face"])
            let vector = Support.vector(result["data"])
            #expect(vector.count == TestServices.analyzer.embeddingDimensions)
            let box = try #require(Support.box(result["cropped_image_bbox"]))
            let faces = try TestServices.analyzer.analyze(try ImageDecoder().decode(.bytes(photo)))
            let same = try #require(
                faces.min {
                    abs($0.detection.box.x - Double(box[0])) + abs($0.detection.box.y - Double(box[1]))
                        < abs($1.detection.box.x - Double(box[0])) + abs($1.detection.box.y - Double(box[1]))
                })
            #expect(cosine(try #require(same.embedding), vector) > 0.999)
            // And not any face's: the other faces of the photo are other people.
            for other in faces where other.detection.box != same.detection.box {
                #expect(cosine(try #require(other.embedding), vector) < 0.9)
            }
        }
    }

    /// A photo without people: `prominent_person` falls back to the whole image (no crop), the
    /// boxes are null, and `prominent_face` is an error. The tiny models see the colour.
    @Test func noPersonFallsBackAndNoFaceIsAnError() async throws {
        let models = try Support.models()
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.solidPNG(230, 20, 30), filename: "red.png",
                tasksJSON: Support.json([
                    Support.task("whole", "embed_clip_vit_b_32"),
                    Support.task("person", "embed_clip_vit_b_32", target: "prominent_person"),
                    Support.task("face", "embed_clip_vit_b_32", target: "prominent_face"),
                    Support.task("dino", "embed_dino_v2", target: "prominent_person"),
                    Support.task("person_box", "detect_bounding_box"),
                    Support.task("face_box", "detect_bounding_box", target: "prominent_face", faceContext: "whole_image"),
                    Support.task("face_embedding", "embed_face"),
                ]))
            #expect(status == .ok, "\(json)")
            let results = Support.results(json)
            let whole = Support.vector(results["whole"]?["data"]), person = Support.vector(results["person"]?["data"])
            #expect(whole.count == 512 && whole == person)
            #expect(results["person"]?["cropped_image_bbox"] is NSNull)
            // The tiny CLIP's red axis is the first: a red image is mostly red.
            #expect(whole[0] > 0.5 && whole[0] > whole[1] && whole[0] > whole[2] && whole[0] > whole[3])
            // The tiny DINOv2 pools the mean colour (r, g, b, 1): red and the constant.
            let dino = Support.vector(results["dino"]?["data"])
            let expected: [Float] = [230 / 255, 20 / 255, 30 / 255, 1]
            let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(zip(dino.prefix(4), expected).allSatisfy { abs($0 - $1 / norm) < 0.01 }, "\(dino.prefix(4))")
            for id in ["person_box", "face_box"] {
                #expect(results[id]?["status"] as? String == "success" && results[id]?["data"] is NSNull, "\(id)")
            }
            for id in ["face", "face_embedding"] {
                #expect(results[id]?["status"] as? String == "error", "\(id)")
                #expect(try (results[id]?["error_message"] as? String ?? "").contains("no face"), "\(id)")
            }
        }
        #expect(models.counter.runs(of: .personDetector) == 1 && models.counter.runs(of: .faces) == 1)
    }

    /// `face_context`: within the prominent person, or anywhere in the image.
    @Test func faceContextChoosesWhereToLook() async throws {
        let models = try Support.models()
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.testdata("faces_group/insightface_t1.jpg"),
                tasksJSON: Support.json([
                    Support.task("person", "detect_bounding_box", target: "prominent_person"),
                    Support.task("in_person", "detect_bounding_box", target: "prominent_face"),
                    Support.task("anywhere", "detect_bounding_box", target: "prominent_face", faceContext: "whole_image"),
                    Support.task("dino_in_person", "embed_dino_v2", target: "prominent_face", faceContext: "prominent_person"),
                ]))
            #expect(status == .ok, "\(json)")
            let results = Support.results(json)
            let person = try #require(Support.box(results["person"]?["data"]))
            let inPerson = try #require(Support.box(results["in_person"]?["data"]))
            let anywhere = try #require(Support.box(results["anywhere"]?["data"]))
            #expect(Self.centre(of: inPerson, isIn: person), "\(inPerson) in \(person)")
            #expect(Support.box(results["dino_in_person"]?["cropped_image_bbox"]) == inPerson)
            // Anywhere: the most prominent of all the image's faces.
            let decoded = try ImageDecoder().decode(.bytes(try Support.testdata("faces_group/insightface_t1.jpg")))
            let faces = try TestServices.analyzer.analyze(decoded, options: AnalysisOptions(embeddings: false))
            #expect(faces.count >= 6)
            let best = try #require(
                Prominence.mostProminent(
                    faces.map { Prominence.Candidate(box: $0.detection.box, confidence: $0.detection.confidence) },
                    width: Double(decoded.header.width), height: Double(decoded.header.height)))
            let expected = PixelBox(covering: faces[best].detection.box, width: decoded.header.width, height: decoded.header.height)
            #expect(anywhere == [expected.xMin, expected.yMin, expected.xMax, expected.yMax])
        }
        #expect(models.counter.runs(of: .personDetector) == 1 && models.counter.runs(of: .faces) == 1)
    }

    /// Whole-image tasks need no detector, and none runs.
    @Test func wholeImageTasksRunNoDetector() async throws {
        let models = try Support.models()
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.testdata(Self.portrait),
                tasksJSON: Support.json([Support.task("clip", "embed_clip_vit_b_32"), Support.task("dino", "embed_dino_v2")]))
            #expect(status == .ok && Support.results(json).values.allSatisfy { $0["status"] as? String == "success" }, "\(json)")
        }
        #expect(models.counter.runs(of: .personDetector) == 0 && models.counter.runs(of: .faces) == 0)
    }

    /// Models that are not installed: each task that needs one is an error naming what to fetch,
    /// the others still run, and `/available_operations/` says which are unavailable and why.
    @Test func missingModelsAreTaskErrorsNamingThePack() async throws {
        let empty = ModelStore(directory: TestServices.temporaryDirectory())
        let models = try Support.models(store: empty, tiny: false)
        let app = VisageApplication.build(services: try TestServices.make(taskModels: models))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.testdata(Self.portrait),
                tasksJSON: Support.json([
                    Support.task("clip", "embed_clip_vit_b_32"),
                    Support.task("dino", "embed_dino_v2"),
                    Support.task("person", "detect_bounding_box"),
                    Support.task("face", "detect_bounding_box", target: "prominent_face", faceContext: "whole_image"),
                    Support.task("classify", "classify"),
                    Support.task("describe", "describe_image"),
                ]))
            #expect(status == .ok, "\(json)")
            let results = Support.results(json)
            func message(_ id: String) -> String {
                #expect(results[id]?["status"] as? String == "error", "\(id): \(results[id] ?? [:])")
                return results[id]?["error_message"] as? String ?? ""
            }
            #expect(message("clip").contains("ViT-B-32__openai") && message("clip").contains("not installed"))
            #expect(message("dino").contains("dinov2-small") && message("dino").contains("not installed"))
            #expect(message("person").contains("visage models fetch lite"))
            #expect(message("classify").contains("no collection classifier is trained yet"))
            #expect(
                message("describe").contains("vit-gpt2-image-captioning") && message("describe").contains("no image-captioning model is installed"))
            #expect(results["face"]?["status"] as? String == "success" && Support.box(results["face"]?["data"]) != nil)

            let (listed, operations) = try await HTTPJSON.call(client, .get, "/available_operations/")
            #expect(listed == .ok)
            let entries = (operations["operations"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
            #expect(Set(entries.keys) == Set(TaskOperation.allCases.map(\.rawValue)))
            for name in ["embed_clip_vit_b_32", "embed_dino_v2", "classify", "describe_image"] {
                #expect(entries[name]?["available"] as? Bool == false, "\(name)")
                #expect((entries[name]?["unavailable_reason"] as? String ?? "").isEmpty == false, "\(name)")
            }
            for name in ["detect_bounding_box", "embed_face"] {
                #expect(entries[name]?["available"] as? Bool == true && entries[name]?["unavailable_reason"] is NSNull, "\(name)")
            }
        }
    }

    /// The seed's listing: descriptions, allowed and default targets; live availability.
    @Test func availableOperationsListsTheSeedsShape() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        try await app.test(.router) { client in
            for path in ["/available_operations/", "/available_operations"] {
                let (status, json) = try await HTTPJSON.call(client, .get, path)
                #expect(status == .ok)
                let entries = (json["operations"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
                let detect = try #require(entries["detect_bounding_box"])
                #expect(detect["allowed_targets"] as? [String] == ["prominent_person", "prominent_face"])
                #expect(detect["default_target"] as? String == "prominent_person")
                #expect((detect["description"] as? String ?? "").isEmpty == false)
                let clip = try #require(entries["embed_clip_vit_b_32"])
                #expect(clip["allowed_targets"] as? [String] == ["whole_image", "prominent_person", "prominent_face"])
                #expect(clip["default_target"] as? String == "whole_image" && clip["available"] as? Bool == true)
                #expect(entries["embed_dino_v2"]?["available"] as? Bool == true)
                #expect(entries["embed_face"]?["allowed_targets"] as? [String] == ["prominent_face"])
            }
        }
    }

    /// Unknown types, targets an operation does not take and unknown contexts are that task's
    /// error; the request and the other tasks go on.
    @Test func badTasksAreTaskErrors() async throws {
        let app = VisageApplication.build(services: try TestServices.make(taskModels: try Support.models()))
        try await app.test(.router) { client in
            let (status, json) = try await Support.upload(
                client, try Support.solidPNG(10, 200, 10),
                tasksJSON: Support.json([
                    Support.task("unknown", "embed_everything"),
                    Support.task("wrong_target", "detect_bounding_box", target: "whole_image"),
                    Support.task("wrong_context", "embed_clip_vit_b_32", target: "prominent_face", faceContext: "somewhere"),
                    ["operation_id": "no_params", "type": "embed_clip_vit_b_32"],
                ]))
            #expect(status == .ok, "\(json)")
            let results = Support.results(json)
            #expect(try (results["unknown"]?["error_message"] as? String ?? "").contains("unknown operation type 'embed_everything'"))
            #expect(try (results["wrong_target"]?["error_message"] as? String ?? "").contains("prominent_person, prominent_face"))
            #expect(try (results["wrong_context"]?["error_message"] as? String ?? "").contains("face_context 'somewhere'"))
            for id in ["unknown", "wrong_target", "wrong_context"] { #expect(results[id]?["status"] as? String == "error") }
            #expect(results["no_params"]?["status"] as? String == "success")
        }
    }

    /// Bad URLs, undecodable images and malformed requests: 400 `{"detail": "..."}` as the seed
    /// answers, never a 500.
    @Test func badInputIsA400WithOnlyDetail() async throws {
        try await Support.withFileServer(["text.jpg": Data("<html>not an image</html>".utf8)]) { port in
            try await ImageInputTests.withFetcher(InputPolicy(allowedHosts: ["127.0.0.1:\(port)"])) { fetcher in
                let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher, taskModels: try Support.models()))
                try await app.test(.router) { client in
                    let tasks = [Support.task("a", "detect_bounding_box")]
                    func expectDetail(_ response: (status: HTTPResponse.Status, json: [String: Any]), _ prefix: String) {
                        #expect(response.status == .badRequest, "\(prefix): \(response.json)")
                        #expect(Array(response.json.keys) == ["detail"], "\(response.json)")
                        #expect((response.json["detail"] as? String ?? "").hasPrefix(prefix), "\(response.json)")
                    }
                    let download = "Could not download image from URL: "
                    expectDetail(try await Support.analyze(client, url: "http://127.0.0.1:1/photo.jpg", tasks: tasks), download)
                    expectDetail(try await Support.analyze(client, url: "http://127.0.0.1:\(port)/missing.jpg", tasks: tasks), download)
                    expectDetail(try await Support.analyze(client, url: "not a url", tasks: tasks), download)
                    expectDetail(
                        try await Support.analyze(client, url: "http://127.0.0.1:\(port)/text.jpg", tasks: tasks), "Could not process image: ")
                    let process = "Could not process image: "
                    let tasksJSON = Support.json(tasks)
                    expectDetail(try await Support.upload(client, Data("plain text".utf8), tasksJSON: tasksJSON), process)
                    expectDetail(
                        try await Support.upload(client, try Support.testdata("formats/corrupt/sharp_truncated.jpg"), tasksJSON: tasksJSON),
                        process)
                    let photo = try Support.testdata(Self.portrait)
                    for bad in ["[{\"type\": \"embed_face\"}]", "not json", "[]", "{\"tasks\": []}", Support.json(tasks + tasks)] {
                        expectDetail(try await Support.upload(client, photo, tasksJSON: bad), "")
                    }
                    let bodies: [[String: Any]] = [
                        ["tasks": tasks], ["image_url": "http://127.0.0.1:\(port)/x.jpg"],
                        ["image_url": "http://127.0.0.1:\(port)/x.jpg", "tasks": "embed"],
                        ["image_url": 7, "tasks": tasks],
                    ]
                    for body in bodies { expectDetail(try await HTTPJSON.call(client, .post, "/analyze_image/", body), "") }
                    // JSON where a form is expected.
                    expectDetail(try await HTTPJSON.call(client, .post, "/analyze_image_upload/", ["tasks_json": "[]"]), "")
                }
            }
        }
    }

    // MARK: - Boxes and crops

    /// Whether the centre of `box` lies in `area` (both `[xmin, ymin, xmax, ymax]`).
    static func centre(of box: [Int], isIn area: [Int]) -> Bool {
        let x = (box[0] + box[2]) / 2, y = (box[1] + box[3]) / 2
        return area[0] <= x && x <= area[2] && area[1] <= y && y <= area[3]
    }

    /// The result's PNG, decoded.
    static func cropImage(_ result: [String: Any]) throws -> RGBImage {
        let base64 = try #require(result["cropped_image_base64"] as? String)
        let data = try #require(Data(base64Encoded: base64))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        return try ImageDecoder().decode(.bytes(data)).image
    }

    /// The crop is a PNG of exactly the reported box, holding the image's pixels there.
    static func expectCrop(_ result: [String: Any], of decoded: DecodedImage) throws {
        let box = try #require(Support.box(result["cropped_image_bbox"]))
        let crop = try cropImage(result)
        #expect(crop.width == box[2] - box[0] && crop.height == box[3] - box[1], "\(box) vs \(crop.width)x\(crop.height)")
        let image = decoded.image
        for (x, y) in [(0, 0), (crop.width / 2, crop.height / 2), (crop.width - 1, crop.height - 1)] {
            let inCrop = (y * crop.width + x) * 3, inImage = ((box[1] + y) * image.width + box[0] + x) * 3
            #expect(Array(crop.pixels[inCrop..<inCrop + 3]) == Array(image.pixels[inImage..<inImage + 3]), "pixel \(x),\(y) of \(box)")
        }
    }
}
