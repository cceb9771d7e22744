import Foundation
import Testing
import VisageModels
import VisageTasks

@testable import VisageServer

/// Model folders (CLIP, DINOv2) through `visage models fetch|verify|list`: copied from a mirror
/// into their layout under the model directory, hashed into the lock on first fetch (Hugging
/// Face publishes no sha256 the manifest could pin), checked by verify, and then found by the
/// server where it looks for them. The mirror holds the tiny test models under the real names.
@Suite(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
struct ModelFolderFetchTests {
    /// A mirror laid out like shared/models with the tiny CLIP (Immich's tokenizer.json layout)
    /// as ViT-B-32__openai/ and the tiny DINOv2 as dinov2-small/.
    static func mirror() throws -> URL {
        let generated = try TinyModels.generated.get()
        let mirror = TestServices.temporaryDirectory()
        try FileManager.default.copyItem(at: generated.clipDynamicBatch, to: mirror.appendingPathComponent("ViT-B-32__openai"))
        try FileManager.default.copyItem(at: generated.dinov2, to: mirror.appendingPathComponent("dinov2-small"))
        return mirror
    }

    @Test func foldersAreFetchedVerifiedAndServed() async throws {
        let mirror = try Self.mirror()
        let models = TestServices.temporaryDirectory()
        let fetch = await CLI.running(["models", "fetch", "ViT-B-32__openai", "dinov2-small", "--model-dir", models.path, "--mirror", mirror.path])
        #expect(fetch.status == 0, "\(fetch.stderr)")
        #expect(fetch.stdout.contains("Model folder 'ViT-B-32__openai' is ready (5 files installed"), "\(fetch.stdout)")
        for path in ["ViT-B-32__openai/visual/model.onnx", "ViT-B-32__openai/textual/tokenizer.json", "dinov2-small/model.onnx"] {
            #expect(FileManager.default.fileExists(atPath: models.appendingPathComponent(path).path), "\(path)")
        }
        // Nothing half-written is left beside the files.
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: models.path).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let lock = try ModelLock.load(from: ModelStore(directory: models))
        #expect(lock.files["ViT-B-32__openai/visual/model.onnx"]?.sha256.count == 64)
        #expect(await CLI.running(["models", "verify", "ViT-B-32__openai", "--model-dir", models.path]).status == 0)
        let again = await CLI.running(["models", "fetch", "ViT-B-32__openai", "--model-dir", models.path, "--mirror", mirror.path])
        #expect(again.stdout.contains("0 files installed, 5 already present"), "\(again.stdout)")
        let listed = await CLI.running(["models", "list", "--model-dir", models.path]).stdout
        let row = listed.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("ViT-B-32__openai ") }
        #expect(row.map { $0.split(separator: " ").prefix(3) == ["ViT-B-32__openai", "clip", "yes"] } == true, "\(listed)")

        // The server finds them where it looks by default, and image search works on them.
        let loaded = TaskModels.load(
            faces: TestServices.analyzer, store: ModelStore(directory: models), runtime: TestServices.runtime,
            options: TaskTestSupport.options)
        #expect(loaded.clip.model?.name == "ViT-B-32__openai" && loaded.dinov2.model != nil)
        let app = VisageApplication.build(services: try TestServices.make(taskModels: loaded))
        try await app.test(.router) { client in
            for (id, colour) in [("red", (UInt8(220), UInt8(30), UInt8(30))), ("blue", (30, 40, 210))] {
                let png = try TaskTestSupport.solidPNG(colour.0, colour.1, colour.2).base64EncodedString()
                #expect(try await HTTPJSON.call(client, .post, "/images/encode", ["image_id": id, "image_base64": png]).status == .ok)
            }
            let (_, found) = try await HTTPJSON.call(client, .post, "/search", ["query": "something blue"])
            #expect((found["results"] as? [[String: Any]])?.first?["image_id"] as? String == "blue", "\(found)")
        }

        // A file changed after the fetch fails verification, naming how to repair it.
        try Data("not a model".utf8).write(to: models.appendingPathComponent("dinov2-small/model.onnx"))
        let verify = await CLI.running(["models", "verify", "dinov2-small", "--model-dir", models.path])
        #expect(verify.status == 1 && verify.stdout.contains("visage models fetch dinov2-small"), "\(verify.stdout)")
    }

    @Test func aMirrorWithoutTheFolderSaysWhereToPutIt() async {
        let models = TestServices.temporaryDirectory(), empty = TestServices.temporaryDirectory()
        let fetch = await CLI.running(["models", "fetch", "ViT-B-32__openai", "--model-dir", models.path, "--mirror", empty.path])
        #expect(fetch.status != 0)
        #expect(fetch.stderr.contains("model_mirror_missing_file") && fetch.stderr.contains("ViT-B-32__openai/"), "\(fetch.stderr)")
        let unknown = await CLI.running(["models", "fetch", "ViT-Z-99", "--model-dir", models.path, "--mirror", empty.path])
        #expect(unknown.status != 0 && unknown.stderr.contains("ViT-B-32__openai, ViT-L-14__openai, dinov2-small"), "\(unknown.stderr)")
    }

    @Test func folderPathsMustStayInsideTheFolder() throws {
        for path in ["visual/model.onnx", "../escape.onnx", "/etc/passwd", "visual//model.onnx", "visual/./model.onnx"] {
            let manifest = """
                {"schema": 2, "default_pack": "p", "packs": {"p": {"description": "d", "license": "l", "models": {
                  "face_detector": {"file": "d.onnx", "decoder": "yunet", "preprocess": {"input_size": [640, 640], "layout": "nchw", "color_order": "bgr", "mean": 0, "std": 1}},
                  "face_embedder": {"file": "e.onnx", "decoder": "arcface", "dimensions": 128, "preprocess": {"input_size": [112, 112], "layout": "nchw", "color_order": "bgr", "mean": 127.5, "std": 128}}}}},
                 "files": {"d.onnx": {"mirror_path": "d.onnx"}, "e.onnx": {"mirror_path": "e.onnx"}},
                 "model_folders": {"clip": {"kind": "clip", "description": "d", "license": "l", "files": {"\(path)": {"url": null}}}}}
                """
            if path == "visual/model.onnx" {
                // The same manifest with a plain path is accepted: the refusals are the paths'.
                let folder = try ModelManifest.decode(Data(manifest.utf8)).folders["clip"]
                #expect(folder?.files.map(\.name) == ["clip/visual/model.onnx"])
            } else {
                #expect(throws: (any Error).self, "\(path)") { try ModelManifest.decode(Data(manifest.utf8)) }
            }
        }
    }
}
