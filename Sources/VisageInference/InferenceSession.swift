import CONNXRuntime
import Foundation
import VisageCore

/// One loaded ONNX model. `run` may be called from several threads at once: ORT allows concurrent
/// Run calls on one session, and nothing here is mutated after init.
public final class InferenceSession: @unchecked Sendable {
    public let runtime: OnnxRuntime
    public let modelPath: String
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    /// "CPUExecutionProvider" or "CUDAExecutionProvider".
    public let executionProvider: String

    let session: OpaquePointer
    /// C copies of the input and output names, made once because every Run call needs them.
    let inputNames: [UnsafeMutablePointer<CChar>]
    let outputNames: [UnsafeMutablePointer<CChar>]

    public init(runtime: OnnxRuntime, modelPath: String, options: SessionOptions = SessionOptions()) throws {
        // ORT's own message for a missing file is a generic load failure; say it plainly.
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw VisageError(.modelLoadFailed, "model file not found: \(modelPath)")
        }
        let (session, provider) = try runtime.createSession(modelPath: modelPath, options: options)
        do {
            var inputCount = 0, outputCount = 0
            try runtime.check(runtime.api.SessionGetInputCount!(session, &inputCount), "counting model inputs")
            try runtime.check(runtime.api.SessionGetOutputCount!(session, &outputCount), "counting model outputs")
            inputs = try (0..<inputCount).map { try runtime.tensorInfo(session: session, index: $0, isInput: true) }
            outputs = try (0..<outputCount).map { try runtime.tensorInfo(session: session, index: $0, isInput: false) }
        } catch {
            runtime.api.ReleaseSession!(session)
            throw error
        }
        self.runtime = runtime
        self.modelPath = modelPath
        self.session = session
        self.executionProvider = provider
        self.inputNames = inputs.map { strdup($0.name) }
        self.outputNames = outputs.map { strdup($0.name) }
    }

    deinit {
        runtime.api.ReleaseSession!(session)
        (inputNames + outputNames).forEach { free($0) }
    }
}
