import Foundation
import Testing
import VisageCore
import VisageFaces
import VisageImaging
import VisageInference
import VisageModels

@testable import VisageSemantic

/// NanoDet-m on real photos: people are found where their faces are, and not in photos of things.
@Suite struct PersonDetectorTests {
    /// The lite pack's person detector, installed by `visage models fetch lite` from the mirror.
    static let detector: PersonDetector = {
        let store = ModelStore(directory: URL(fileURLWithPath: CLI.modelDirectory))
        let spec = try! ModelManifest.bundled().pack(named: "lite").personDetector!
        return try! PersonDetector(
            spec: spec, store: store, runtime: TestServices.runtime, options: SessionOptions(intraOpThreads: 1, device: .cpu))
    }()

    static func decode(_ relativePath: String) throws -> DecodedImage {
        try ImageDecoder().decode(.file(CLI.testdata.appendingPathComponent(relativePath).path), maxSide: 1280)
    }

    @Test func everyPackListsNanoDetAsItsPersonDetector() throws {
        let manifest = try ModelManifest.bundled()
        for (name, pack) in manifest.packs {
            let spec = try #require(pack.personDetector, "pack \(name) has no person detector")
            #expect(spec.decoder == .nanodet && spec.file == "object_detection_nanodet_2022nov.onnx")
            #expect(spec.inputSize == PersonDetector.standardInputSize)
            #expect(spec.normalization == PersonDetector.standardNormalization)
            #expect(pack.fileNames.contains(spec.file) && !pack.faceFileNames.contains(spec.file))
        }
        let file = try manifest.file(named: "object_detection_nanodet_2022nov.onnx")
        #expect(file.mirrorPath == "object_detector/object_detection_nanodet_2022nov.onnx")
        #expect(file.sha256 == "4b82da9944b88577175ee23a459dce2e26e6e4be573def65b1055dc2d9720186" && file.size == 3_800_954)
        #expect(file.url != nil && file.license?.contains("Apache-2.0") == true)
    }

    @Test func aMisspeltPersonDecoderFailsWhenTheManifestIsRead() throws {
        let json = """
            {"schema": 2, "default_pack": "test",
             "packs": {"test": {"description": "d", "license": "l", "models": {
               "face_detector": {"file": "det.onnx", "decoder": "yunet", "preprocess": {"input_size": [640, 640], "color_order": "bgr", "mean": 0, "std": 1}},
               "face_embedder": {"file": "emb.onnx", "decoder": "arcface", "dimensions": 128, "preprocess": {"input_size": [112, 112], "color_order": "bgr", "mean": 127.5, "std": 128}},
               "person_detector": {"file": "det.onnx", "decoder": "nanodett", "preprocess": {"input_size": [416, 416], "color_order": "bgr", "mean": 0, "std": 1}}}}},
             "files": {"det.onnx": {"mirror_path": "det.onnx", "url": null}, "emb.onnx": {"mirror_path": "emb.onnx", "url": null}}}
            """
        let error = #expect(throws: VisageError.self) { try ModelManifest.decode(Data(json.utf8)) }
        #expect(error?.code == "model_manifest_invalid")
        #expect(error?.message.contains("nanodet") == true)
    }

    /// Each face the face pipeline finds lies inside a detected person.
    @Test(arguments: [
        "faces_group/face_recognition_obama_and_biden.jpg", "faces_group/insightface_t1.jpg",
        "faces_group/deepface_selfie-many-people.jpg",
    ])
    func facesLieInsideDetectedPeople(_ photo: String) throws {
        let decoded = try Self.decode(photo)
        let people = try Self.detector.detect(in: decoded.image)
        let faces = try TestServices.analyzer.analyze(decoded, options: AnalysisOptions(embeddings: false))
            .map { $0.detection.box.scaled(by: decoded.scale) }  // into the decoded image's pixels
            .filter { min($0.width, $0.height) >= 24 }
        #expect(!faces.isEmpty)
        #expect(people.count >= faces.count / 2, "\(people.count) people for \(faces.count) faces in \(photo)")
        for person in people {
            #expect(person.confidence >= 0.35 && person.confidence <= 1)
            #expect(person.box.x >= 0 && person.box.y >= 0)
            #expect(person.box.maxX <= Double(decoded.image.width) + 1e-6 && person.box.maxY <= Double(decoded.image.height) + 1e-6)
        }
        for face in faces {
            let centre = face.center
            let inside = people.contains { person in
                let box = person.box
                return centre.x >= box.x && centre.x <= box.maxX && centre.y >= box.y && centre.y <= box.maxY
                    && box.intersectionOver(face) > 0.8
            }
            #expect(inside, "the face at \(face) in \(photo) is in no person box (\(people.map(\.box)))")
        }
    }

    /// People are taller than their faces, and NMS leaves no two boxes overlapping much.
    @Test func personBoxesAreBodiesNotDuplicates() throws {
        let decoded = try Self.decode("faces_group/face_recognition_obama_and_biden.jpg")
        let people = try Self.detector.detect(in: decoded.image)
        #expect(people.count >= 2)
        for (index, person) in people.enumerated() {
            #expect(person.box.height > 100)
            for other in people[(index + 1)...] {
                #expect(person.box.iou(other.box) <= Self.detector.nmsThreshold)
            }
        }
        #expect(people.map(\.confidence) == people.map(\.confidence).sorted(by: >))
    }

    /// Photos of a cake, flowers, a cat, a garden, a car and landscapes hold no person.
    @Test(arguments: [
        "clip_scenes/photoprism_face_testdata_nonface/14_cake_on_plate.jpg",
        "clip_scenes/photoprism_face_testdata_nonface/19_orange_flowers.jpg",
        "clip_scenes/photoprism_face_testdata_nonface/9_black_cat.jpg",
        "clip_scenes/photoprism_face_testdata_nonface/13_snowy_garden_sunset.jpg",
        "clip_scenes/immich_albums/nature/el_torcal_rocks.jpg",
        "clip_scenes/immich_albums/nature/silver_fir.jpg",
    ])
    func noPeopleInPhotosOfThings(_ photo: String) throws {
        let people = try Self.detector.detect(in: try Self.decode(photo).image)
        #expect(people.isEmpty, "\(photo): \(people)")
    }

    @Test func boxSidesAreTheSoftmaxExpectationOfTheirBins() {
        // All logits equal: the expectation is the middle of 0...7.
        #expect(abs(PersonDetector.expectation([Float](repeating: 1, count: 8), start: 0) - 3.5) < 1e-9)
        // One bin far above the others: that bin.
        var logits = [Float](repeating: 0, count: 16)
        logits[8 + 5] = 50
        #expect(abs(PersonDetector.expectation(logits, start: 8) - 5) < 1e-6)
    }
}

extension BoundingBox {
    /// The share of `other`'s area inside this box.
    fileprivate func intersectionOver(_ other: BoundingBox) -> Double {
        let width = min(maxX, other.maxX) - max(x, other.x), height = min(maxY, other.maxY) - max(y, other.y)
        return width > 0 && height > 0 ? width * height / max(other.area, 1e-9) : 0
    }
}
