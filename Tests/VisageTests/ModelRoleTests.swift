import Foundation
import Testing
import VisageCore
import VisageImaging
import VisageModels

@testable import VisageFaces

/// Packs as models by role: the manifest's typed preprocessing and decoders, the roles still to
/// come, what a bad entry says, and the registry that `/health` and `models_used` read.
@Suite struct ModelRoleTests {
    /// A schema-2 manifest with one pack "test" whose `models` object is `models`; every file the
    /// entries name is listed.
    static func manifest(models: String, files: [String]) throws -> ModelManifest {
        let listed = files.map { #""\#($0)": {"sha256": null, "size": null, "mirror_path": "m/\#($0)", "url": null}"# }
        let json = """
            {"schema": 2, "default_pack": "test", "archives": {},
             "packs": {"test": {"description": "test pack", "license": "test", "models": {\(models)}}},
             "files": {\(listed.joined(separator: ", "))}}
            """
        return try ModelManifest.decode(Data(json.utf8))
    }

    static let detector =
        #""face_detector": {"file": "det.onnx", "decoder": "scrfd", "preprocess": {"input_size": [320, 240], "color_order": "rgb", "mean": 127.5, "std": 128}}"#
    static let embedder =
        #""face_embedder": {"file": "emb.onnx", "decoder": "arcface", "dimensions": 512, "preprocess": {"input_size": [112, 112], "color_order": "bgr", "mean": 127.5, "std": 127.5}}"#

    @Test func bundledPacksListTheirModelsByRole() throws {
        let manifest = try ModelManifest.bundled()
        let lite = try manifest.pack(named: "lite")
        #expect(lite.models.map(\.role) == [.faceDetector, .faceEmbedder, .personDetector])
        let detector = try #require(lite.model(for: .faceDetector))
        #expect(detector.file == "face_detection_yunet_2023mar.onnx" && detector.decoder == "yunet")
        #expect(detector.name == "face_detection_yunet_2023mar")
        #expect(
            detector.preprocessing
                == Preprocessing(
                    inputSize: InputSize(width: 640, height: 640), layout: .nchw,
                    normalization: Normalization(colorOrder: .bgr, mean: 0, std: 1)))
        #expect(lite.model(for: .faceEmbedder)?.dimensions == 128)
        #expect(lite.model(for: .faceAttributes) == nil && lite.model(for: .clipImageEncoder) == nil)

        let buffalo = try manifest.pack(named: "buffalo_s")
        #expect(buffalo.models.map(\.role) == [.faceDetector, .faceEmbedder, .faceAttributes, .personDetector])
        #expect(buffalo.fileNames == ["det_500m.onnx", "w600k_mbf.onnx", "genderage.onnx", "object_detection_nanodet_2022nov.onnx"])
        #expect(buffalo.faceFileNames == ["det_500m.onnx", "w600k_mbf.onnx", "genderage.onnx"])
        #expect(buffalo.model(for: .faceAttributes)?.decoder == "insightface_genderage")
        #expect(buffalo.attributes?.normalization == Normalization(colorOrder: .rgb, mean: 0, std: 1))
        // Raw names are stable: they are manifest keys.
        #expect(
            ModelRole.allCases.map(\.rawValue) == [
                "face_detector", "face_embedder", "face_attributes", "person_detector",
                "clip_image_encoder", "clip_text_encoder", "dinov2_image_encoder",
                "caption_encoder", "caption_decoder",
            ])
    }

    @Test func entriesAreReadIntoTypedValuesInRoleOrder() throws {
        // Written embedder first, listed detector first; per-channel mean and std for an encoder
        // whose role nothing loads yet, and a text encoder with no image preprocessing.
        let pack = try Self.manifest(
            models: """
                \(Self.embedder),
                "dinov2_image_encoder": {"file": "dino.onnx", "decoder": "cls_token", "dimensions": 384,
                    "preprocess": {"input_size": [224, 224], "color_order": "rgb", "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375]}},
                "clip_text_encoder": {"file": "text.onnx", "decoder": "clip_embedding", "dimensions": 512},
                \(Self.detector)
                """, files: ["det.onnx", "emb.onnx", "dino.onnx", "text.onnx"]
        ).pack(named: "test")
        #expect(pack.models.map(\.role) == [.faceDetector, .faceEmbedder, .clipTextEncoder, .dinoV2ImageEncoder])
        #expect(pack.fileNames == ["det.onnx", "emb.onnx", "text.onnx", "dino.onnx"])
        #expect(pack.detector.decoder == .scrfd && pack.detector.inputSize == InputSize(width: 320, height: 240))
        #expect(pack.embedder.kind == .arcface && pack.embedder.dimensions == 512 && pack.embedder.colorOrder == .bgr)
        let dino = try #require(pack.model(for: .dinoV2ImageEncoder)?.preprocessing)
        #expect(dino.normalization.mean == [123.675, 116.28, 103.53] && dino.normalization.std == [58.395, 57.12, 57.375])
        #expect(pack.model(for: .clipTextEncoder)?.preprocessing == nil)
    }

    @Test(arguments: [
        ("unknown role", #""face_finder": {"file": "det.onnx", "decoder": "yunet"}"#, "'face_finder'"),
        (
            "unknown decoder",
            #""face_detector": {"file": "det.onnx", "decoder": "retinaface", "preprocess": {"input_size": [640, 640], "color_order": "rgb", "mean": 0, "std": 1}}"#,
            "yunet, scrfd"
        ),
        ("no preprocess", #""face_detector": {"file": "det.onnx", "decoder": "yunet"}"#, "preprocess"),
        (
            "nhwc face model",
            #""face_detector": {"file": "det.onnx", "decoder": "yunet", "preprocess": {"input_size": [640, 640], "layout": "nhwc", "color_order": "rgb", "mean": 0, "std": 1}}"#,
            "nhwc"
        ),
        (
            "zero std",
            #""face_detector": {"file": "det.onnx", "decoder": "yunet", "preprocess": {"input_size": [640, 640], "color_order": "rgb", "mean": 0, "std": [1, 0, 1]}}"#,
            "std"
        ),
    ])
    func badEntriesSayWhatIsWrong(_ what: String, _ entry: String, _ mentions: String) throws {
        let error = try #require(throws: VisageError.self, "\(what)") {
            try Self.manifest(models: "\(entry), \(Self.embedder)", files: ["det.onnx", "emb.onnx"])
        }
        #expect(error.code == "model_manifest_invalid", "\(what)")
        #expect(error.message.contains(mentions), "\(what): \(error.message)")
    }

    @Test func packsNeedADetectorAndAnEmbedder() throws {
        let error = try #require(throws: VisageError.self) {
            try Self.manifest(models: Self.detector, files: ["det.onnx", "emb.onnx"])
        }
        #expect(error.code == "model_manifest_invalid" && error.message.contains("face_embedder"))
        let schemaOne = try #require(throws: VisageError.self) {
            try ModelManifest.decode(Data(#"{"schema": 1, "default_pack": "x", "packs": {}, "files": {}}"#.utf8))
        }
        #expect(schemaOne.code == "model_manifest_invalid" && schemaOne.message.contains("schema 1"))
    }

    @Test func registryAnswersWhatIsLoadedInTheResponsesShape() throws {
        let pack = try ModelManifest.bundled().pack(named: "buffalo_l")
        let faces = ModelRegistry(
            packName: pack.name,
            models: pack.models.reversed().filter { $0.role != .personDetector }.map {
                LoadedModel(spec: $0, executionProvider: "CPUExecutionProvider")
            })
        #expect(faces.models.map(\.role) == [.faceDetector, .faceEmbedder, .faceAttributes])
        #expect(
            faces.modelsUsed == [
                "pack": "buffalo_l", "face_detection": "det_10g", "face_embedding": "w600k_r50",
                "face_attributes": "genderage",
            ])
        #expect(faces.modelsLoaded == ["face": true, "clip": false, "blip": false])
        #expect(faces.model(for: .faceEmbedder)?.device == "cpu")
        #expect(faces.model(for: .faceEmbedder)?.preprocessing?.inputSize == InputSize(width: 112, height: 112))

        let clip = [ModelRole.clipImageEncoder, .clipTextEncoder].map {
            LoadedModel(
                spec: ModelSpec(role: $0, file: "\($0.rawValue).onnx", decoder: "clip_embedding", preprocessing: nil),
                executionProvider: "CUDAExecutionProvider")
        }
        let both = ModelRegistry(packName: pack.name, models: faces.models + clip)
        #expect(both.modelsLoaded == ["face": true, "clip": true, "blip": false])
        #expect(both.model(for: .clipTextEncoder)?.device == "cuda")
        #expect(both.modelsUsed["clip_text"] == "clip_text_encoder")

        // The captioner joins from outside the pack; seed 000 calls the capability `blip`. A role
        // the registry holds keeps its model.
        let caption = [ModelRole.captionEncoder, .captionDecoder, .faceEmbedder].map {
            LoadedModel(
                spec: ModelSpec(role: $0, file: "captioner/\($0.rawValue).onnx", decoder: "vit-gpt2", preprocessing: nil),
                executionProvider: "CPUExecutionProvider")
        }
        let captioned = faces.adding(caption)
        #expect(captioned.modelsLoaded == ["face": true, "clip": false, "blip": true])
        #expect(captioned.model(for: .faceEmbedder)?.name == "w600k_r50")
        #expect(faces.adding(Array(caption.prefix(1))).modelsLoaded["blip"] == false)
    }

    @Test func perChannelNormalizationPadsAndWritesEachChannel() throws {
        let layout = Normalization(colorOrder: .bgr, channelMean: [10, 20, 30], channelStd: [1, 2, 5]).planar
        var canvas = layout.blankCanvas(width: 2, height: 1)
        #expect(canvas == [-10, -10, -10, -10, -6, -6])
        let pixel = RGBImage(width: 1, height: 1, pixels: [100, 60, 40])  // r, g, b
        layout.write(pixel, into: &canvas, offset: 0, canvasWidth: 2, canvasHeight: 1)
        #expect(canvas == [30, -10, 20, -10, 14, -6], "b, g, r: (40 - 10) / 1, (60 - 20) / 2, (100 - 30) / 5")
        // One value for all channels, as every face model has: one fill.
        #expect(Normalization(colorOrder: .rgb, mean: 127.5, std: 127.5).planar.blankCanvas(width: 1, height: 2) == [Float](repeating: -1, count: 6))
    }

    @Test func faceAnalyzerReportsItsModelsThroughTheRegistry() {
        let analyzer = TestServices.analyzer
        #expect(
            analyzer.modelsUsed == [
                "pack": "lite", "face_detection": "face_detection_yunet_2023mar",
                "face_embedding": "MobileFaceNet_paddlex_128d",
            ])
        #expect(analyzer.embeddingModelName == "MobileFaceNet_paddlex_128d")
        #expect(analyzer.models.models.map(\.role) == [.faceDetector, .faceEmbedder])
        #expect(analyzer.models.models.allSatisfy { $0.executionProvider == "CPUExecutionProvider" && $0.device == "cpu" })
        #expect(analyzer.models.model(for: .faceEmbedder)?.preprocessing?.normalization == Normalization(colorOrder: .bgr, mean: 127.5, std: 128))
    }
}
