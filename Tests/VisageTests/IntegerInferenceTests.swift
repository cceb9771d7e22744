import Foundation
import Testing
import VisageCore

@testable import VisageInference

/// Integer tensors end to end through ONNX Runtime: token ids in (as CLIP text encoders and
/// caption decoders take them), integer results out, on a tiny generated embedding-lookup model.
@Suite struct IntegerInferenceTests {
    let runtime: OnnxRuntime
    init() throws { runtime = try OnnxRuntime.load() }

    func withModel<T>(_ idType: TinyOnnxModel.IntegerType, _ body: (InferenceSession) throws -> T) throws -> T {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("visage-ids-\(UUID().uuidString).onnx")
        try TinyOnnxModel.tokenEmbedding(idType: idType).write(to: model)
        defer { try? FileManager.default.removeItem(at: model) }
        return try body(try InferenceSession(runtime: runtime, modelPath: model.path, options: SessionOptions(device: .cpu)))
    }

    /// Rows of `TinyOnnxModel.embeddingTable` for ids [[4, 0, 2], [1, 1, -1]] (-1 is the last row).
    static let ids = [4, 0, 2, 1, 1, -1] as [Int64]
    static let lookedUp: [Float] = [10, 20, 0.5, -1, 2.5, 3, 1, 2, 1, 2, 10, 20]

    func inputs(positions: [Int64]) throws -> [String: TensorValue] {
        [
            "input_ids": .int64(try Int64Tensor(shape: [2, 3], data: Self.ids)),
            "positions": .int64(try Int64Tensor(shape: [3], data: positions)),
        ]
    }

    @Test func int64TokenIdsLookUpEmbeddingsAndInt64ResultsComeBack() throws {
        try withModel(.int64) { session in
            #expect(session.inputs.map(\.elementType) == [.int64, .int64])
            #expect(session.outputs.map(\.elementType) == [.float, .int64])
            // 2^40 does not fit in 32 bits: the whole 64-bit value must travel both ways.
            let outputs = try session.run(values: try inputs(positions: [1 << 40, -7, 3]))
            #expect(outputs["embeddings"] == .float(try Tensor(shape: [2, 3, 2], data: Self.lookedUp)))
            #expect(outputs["doubled"] == .int64(try Int64Tensor(shape: [3], data: [1 << 41, -14, 6])))
        }
    }

    @Test func int64IdsFeedAnInt32InputAndInt32ResultsWiden() throws {
        try withModel(.int32) { session in
            #expect(session.inputs.map(\.elementType) == [.int32, .int32])
            #expect(session.outputs.map(\.elementType) == [.float, .int32])
            let outputs = try session.run(values: try inputs(positions: [Int64(Int32.max) / 2, -7, 3]))
            #expect(outputs["embeddings"]?.floatTensor?.data == Self.lookedUp)
            #expect(outputs["doubled"]?.int64Tensor?.data == [Int64(Int32.max) - 1, -14, 6])

            let tooBig = try #require(throws: VisageError.self) { try session.run(values: try inputs(positions: [1 << 40, 0, 0])) }
            #expect(tooBig.code == "inference_failed" && tooBig.message.contains("'positions'"))
        }
    }

    @Test func wrongElementTypesAreRefusedByName() throws {
        try withModel(.int64) { session in
            var floats = try inputs(positions: [1, 2, 3])
            floats["positions"] = .float(try Tensor(shape: [3], data: [1, 2, 3]))
            let mismatch = try #require(throws: VisageError.self) { try session.run(values: floats) }
            #expect(mismatch.code == "inference_failed" && mismatch.message.contains("'positions'"))
            #expect(mismatch.message.contains("int64") && mismatch.message.contains("float"))
            // The float-only entry point cannot feed token ids.
            #expect(throws: VisageError.self) { try session.run(["input_ids": .zeros(shape: [2, 3]), "positions": .zeros(shape: [3])]) }
        }
        #expect(try Int64Tensor.zeros(shape: [2, 2]).data == [0, 0, 0, 0])
        #expect(throws: VisageError(.invalidTensor, "tensor shape [3] needs 3 values but 2 were given")) {
            try Int64Tensor(shape: [3], data: [1, 2])
        }
    }
}
