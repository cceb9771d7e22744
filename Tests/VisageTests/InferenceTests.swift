import Foundation
import Testing
import VisageCore

@testable import VisageInference

/// ONNX Runtime binding: library loading, model metadata, inference and error reporting. Uses the
/// wheel under .deps/ort (scripts/setup.sh) and the models in ../shared/models.
@Suite struct InferenceTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let models = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/models")
    static let detector = models.appendingPathComponent("face_detector/face_detection_yunet_2023mar.onnx").path
    static let embedder = models.appendingPathComponent("face_recognition/MobileFaceNet_paddlex_128d.onnx").path

    let runtime: OnnxRuntime
    init() throws { runtime = try OnnxRuntime.load() }

    /// Same shape and values within `tolerance`: thread scheduling may reorder float sums.
    func nearlyEqual(_ a: Tensor?, _ b: Tensor?, tolerance: Float = 1e-5) -> Bool {
        guard let a, let b, a.shape == b.shape else { return false }
        return zip(a.data, b.data).allSatisfy { abs($0 - $1) <= tolerance }
    }

    func cpuSession(_ path: String) throws -> InferenceSession {
        try InferenceSession(runtime: runtime, modelPath: path, options: SessionOptions(device: .cpu))
    }

    @Test func loadsTheRuntime() throws {
        #expect(runtime.version.hasPrefix("1."))
        #expect(runtime.availableProviders.contains("CPUExecutionProvider"))
        #expect(FileManager.default.fileExists(atPath: runtime.libraryPath))
        #expect(try OnnxRuntime.load() === runtime, "one runtime per process")
        #expect(try OnnxRuntime.load(libraryPath: runtime.libraryPath) === runtime, "same file, same runtime")
    }

    @Test func readsDetectorInputsAndOutputs() throws {
        let session = try cpuSession(Self.detector)
        #expect(session.inputs == [TensorInfo(name: "input", shape: [1, 3, 640, 640], elementType: .float)])
        #expect(session.outputs.count == 12)
        #expect(Array(session.outputs.map(\.name).prefix(4)) == ["cls_8", "cls_16", "cls_32", "obj_8"])
        #expect(Set(session.outputs.map(\.name)).isSuperset(of: ["bbox_8", "kps_8", "kps_32"]))
        #expect(session.executionProvider == "CPUExecutionProvider")
    }

    @Test func runsDetectorOnZeros() throws {
        let session = try cpuSession(Self.detector)
        let outputs = try session.run(["input": .zeros(shape: [1, 3, 640, 640])])
        #expect(outputs.count == 12)
        #expect(outputs["cls_8"]?.shape == [1, 6400, 1])
        #expect(outputs["bbox_16"]?.shape == [1, 1600, 4])
        #expect(outputs["kps_32"]?.shape == [1, 400, 10])
        #expect(outputs.values.allSatisfy { $0.data.count == $0.shape.reduce(1, *) && $0.data.allSatisfy(\.isFinite) })

        let some = try session.run(["input": .zeros(shape: [1, 3, 640, 640])], outputNames: ["kps_8"])
        #expect(Array(some.keys) == ["kps_8"])
        #expect(nearlyEqual(some["kps_8"], outputs["kps_8"]), "same input, same output")
    }

    @Test func embedsABatchLikeSingleImages() throws {
        let session = try cpuSession(Self.embedder)
        #expect(session.inputs.first?.name == "x")
        #expect(session.inputs.first?.shape == [-1, 3, 112, 112])
        let perImage = 3 * 112 * 112
        let pixels = (0..<(3 * perImage)).map { Float(sin(Double($0) * 0.001)) }
        let batch = try session.run(["x": Tensor(shape: [3, 3, 112, 112], data: pixels)])
        let embeddings = try #require(batch.values.first)
        #expect(embeddings.shape == [3, 128])

        // Each row must match the same image run alone: proves our row-major layout and batching.
        let third = try session.run(["x": Tensor(shape: [1, 3, 112, 112], data: Array(pixels[(2 * perImage)...]))])
        let alone = try #require(third.values.first).data
        #expect(
            nearlyEqual(
                Tensor(unchecked: [128], data: alone), Tensor(unchecked: [128], data: Array(embeddings.data[256..<384])),
                tolerance: 1e-4))
    }

    @Test func runsConcurrentlyOnOneSession() async throws {
        let session = try cpuSession(Self.embedder)
        let input = try Tensor(shape: [1, 3, 112, 112], data: (0..<(3 * 112 * 112)).map { Float($0 % 255) / 255 })
        let expected = try session.run(["x": input])
        let results = try await withThrowingTaskGroup(of: [String: Tensor].self) { group in
            for _ in 0..<6 { group.addTask { try session.run(["x": input]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 6)
        #expect(results.allSatisfy { nearlyEqual($0["reshape2_0.tmp_0"], expected["reshape2_0.tmp_0"]) })
    }

    @Test func convertsFloat16InputsAndOutputs() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("visage-f16-\(UUID().uuidString).onnx")
        try TinyOnnxModel.float16PassThrough(count: 4).write(to: model)
        defer { try? FileManager.default.removeItem(at: model) }
        let session = try cpuSession(model.path)
        #expect(session.inputs.first?.elementType == .float16)
        #expect(session.outputs.map(\.elementType) == [.float16, .float])

        let values: [Float] = [0.5, -2, 1.0009765625, 65504]  // all exact in float16
        let outputs = try session.run(["x": Tensor(shape: [4], data: values)])
        #expect(outputs["same"]?.data == values, "float16 output converted back to Float")
        #expect(outputs["widened"]?.data == values, "ORT read our float16 bits as the same numbers")
    }

    @Test func missingLibraryNamesThePath() throws {
        let path = "/nonexistent/visage/libonnxruntime.so.1.99"
        let error = try #require(throws: VisageError.self) { try OnnxRuntime.load(libraryPath: path) }
        #expect(error.code == "ort_library_not_found")
        #expect(error.message.contains(path))
        #expect(error.message.contains("scripts/setup.sh"))
    }

    @Test func corruptModelReportsOrtsMessage() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("visage-corrupt-\(UUID().uuidString).onnx")
        try Data("this is not an onnx model".utf8).write(to: model)
        defer { try? FileManager.default.removeItem(at: model) }
        let error = try #require(throws: VisageError.self) { try cpuSession(model.path) }
        #expect(error.code == "model_load_failed")
        #expect(error.message.contains(model.path))
        #expect(error.message.contains("[ORT_"), "carries ORT's own error")
    }

    static let cudaAvailable = (try? OnnxRuntime.load())?.cudaAvailable ?? false

    @Test(.enabled(if: !cudaAvailable, "needs an ONNX Runtime without CUDA"))
    func cudaDeviceFailsClearlyWithoutCuda() throws {
        let error = try #require(throws: VisageError.self) {
            try InferenceSession(runtime: runtime, modelPath: Self.detector, options: SessionOptions(device: .cuda))
        }
        #expect(error.code == "cuda_unavailable")
        let auto = try InferenceSession(runtime: runtime, modelPath: Self.detector, options: SessionOptions(device: .auto))
        #expect(auto.executionProvider == "CPUExecutionProvider")
    }

    @Test(.enabled(if: cudaAvailable, "needs the GPU wheel (.deps/ort-gpu) and a CUDA device"))
    func runsOnCudaLikeOnCpu() throws {
        let gpu = try InferenceSession(runtime: runtime, modelPath: Self.embedder, options: SessionOptions(device: .cuda))
        #expect(gpu.executionProvider == "CUDAExecutionProvider")
        let input = try Tensor(shape: [2, 3, 112, 112], data: (0..<(2 * 3 * 112 * 112)).map { Float($0 % 251) / 251 })
        let onGpu = try gpu.run(["x": input]).values.first
        let onCpu = try cpuSession(Self.embedder).run(["x": input]).values.first
        #expect(nearlyEqual(onGpu, onCpu, tolerance: 1e-2))
    }

    @Test func rejectsBadInputs() throws {
        #expect(throws: VisageError(.invalidTensor, "tensor shape [2, 2] needs 4 values but 3 were given")) {
            try Tensor(shape: [2, 2], data: [1, 2, 3])
        }
        let session = try cpuSession(Self.embedder)
        let input = try Tensor.zeros(shape: [1, 3, 112, 112])
        let unknown = try #require(throws: VisageError.self) { try session.run(["image": input]) }
        #expect(unknown.code == "inference_failed" && unknown.message.contains("'image'"))
        let wrongShape = try #require(throws: VisageError.self) { try session.run(["x": .zeros(shape: [1, 3, 64, 64])]) }
        #expect(wrongShape.code == "inference_failed")
        let noOutput = try #require(throws: VisageError.self) { try session.run(["x": input], outputNames: ["nope"]) }
        #expect(noOutput.code == "inference_failed")
    }

    @Test func locatorFindsWheelsAboveTheWorkingDirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("visage-locate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        for wheel in ["ort", "ort-gpu"] {
            let capi = root.appendingPathComponent(".deps/\(wheel)/onnxruntime/capi")
            try FileManager.default.createDirectory(at: capi, withIntermediateDirectories: true)
            for name in ["libonnxruntime.so.1.9.0", "libonnxruntime.so.1.10.2", "libonnxruntime_providers_shared.so"] {
                try Data().write(to: capi.appendingPathComponent(name))
            }
        }
        func locate(_ environment: [String: String]) -> OrtLibraryLocator.Outcome {
            OrtLibraryLocator(environment: environment, currentDirectory: nested.path, executablePath: nil).locate()
        }
        let cpu = root.appendingPathComponent(".deps/ort/onnxruntime/capi/libonnxruntime.so.1.10.2").path
        let gpu = root.appendingPathComponent(".deps/ort-gpu/onnxruntime/capi/libonnxruntime.so.1.10.2").path
        #expect(locate(["VISAGE_DEVICE": "cpu"]) == .found(cpu))
        #expect(locate([:]) == .found(gpu), "auto prefers the GPU wheel")
        #expect(locate(["VISAGE_ORT_LIB": "/nope/libonnxruntime.so"]) == .explicitMissing("/nope/libonnxruntime.so"))
    }
}
