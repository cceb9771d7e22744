import Foundation
import Testing
import VisageCore
import VisageImaging
import VisageInference

@testable import VisageSemantic

/// The tiny DINOv2 of scripts/make_tiny_models.py has Hugging Face's export's names, types and
/// shapes and keeps each patch's colour; `DINOv2Model` loads it as it would Hugging Face's export.
@Suite struct DINOv2TinyModelTests {
    @Test(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
    func patchTokensAndThePooledOutputCarryColour() throws {
        let folder = try TinyModels.generated.get().dinov2
        let session = try InferenceSession(
            runtime: TestServices.runtime, modelPath: folder.appendingPathComponent("model.onnx").path,
            options: SessionOptions(intraOpThreads: 1, device: .cpu))
        #expect(session.inputs.map(\.name) == ["pixel_values"] && session.inputs.first?.shape == [-1, 3, -1, -1])
        #expect(session.outputs.map(\.name) == ["last_hidden_state", "pooler_output"])
        #expect(session.outputs.map(\.shape) == [[-1, -1, 384], [-1, 384]])
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("preprocessor_config.json").path))

        // Left half red, right half blue, through ImageNet's mean and std.
        var image = RGBImage(width: 224, height: 224)
        for y in 0..<224 {
            for x in 0..<224 { image.pixels[(y * 224 + x) * 3 + (x < 112 ? 0 : 2)] = 255 }
        }
        let config = try CLIPPreprocessConfig(size: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
        let input = try CLIPImagePreprocessor(config: config).tensor(image)
        let outputs = try session.run(["pixel_values": input])
        let hidden = try #require(outputs["last_hidden_state"]), pooled = try #require(outputs["pooler_output"])
        #expect(hidden.shape == [1, 257, 384] && pooled.shape == [1, 384])
        func token(_ index: Int) -> [Float] { Array(hidden.data[index * 384..<index * 384 + 4]) }
        let close = { (a: [Float], b: [Float]) in zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 } }
        #expect(close(token(1), [1, 0, 0, 1]))  // the top-left patch: red
        #expect(close(token(16), [0, 0, 1, 1]))  // the top-right patch: blue
        #expect(close(token(0), [0.5, 0, 0.5, 1]) && close(Array(pooled.data[0..<4]), [0.5, 0, 0.5, 1]))
    }

    /// `DINOv2Model`: names and width from the session, 256 then the centre 224 from
    /// preprocessor_config.json, `pooler_output` as the embedding, L2-normalised.
    @Test(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
    func theLoaderEmbedsThePooledColour() throws {
        let model = try DINOv2Model(
            folder: try TinyModels.generated.get().dinov2, runtime: TestServices.runtime,
            options: SessionOptions(intraOpThreads: 1, device: .cpu))
        #expect(model.dimensions == 384 && model.resizeShortestEdge == 256 && model.cropSize == 224)
        #expect(model.outputName == "pooler_output" && !model.readsCLSToken)
        // 600x300, left half red, right half blue: the short side goes to 256 (512x256), the
        // centre 224 keeps as much red as blue.
        var image = RGBImage(width: 600, height: 300)
        for y in 0..<300 {
            for x in 0..<600 { image.pixels[(y * 600 + x) * 3 + (x < 300 ? 0 : 2)] = 255 }
        }
        #expect(model.prepared(image).width == 224 && model.prepared(image).height == 224)
        let vector = try model.embed(image)
        #expect(vector.count == 384)
        #expect(abs(vector.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < 1e-5)
        let expected: [Float] = [0.5, 0, 0.5, 1].map { $0 / Float(1.5).squareRoot() }
        #expect(zip(vector.prefix(4), expected).allSatisfy { abs($0 - $1) < 0.01 }, "\(vector.prefix(4))")
        #expect(throws: VisageError.self) {
            try DINOv2Model(folder: TestServices.temporaryDirectory(), runtime: TestServices.runtime, options: SessionOptions())
        }
    }
}
