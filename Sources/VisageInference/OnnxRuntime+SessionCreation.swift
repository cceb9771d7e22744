import CONNXRuntime
import VisageCore

extension OnnxRuntime {
    static let cpuProvider = "CPUExecutionProvider"
    static let cudaProvider = "CUDAExecutionProvider"

    /// Creates an OrtSession on the device the options ask for. Returns it with the provider name.
    /// `.cuda` fails with `cuda_unavailable` when CUDA cannot be used; `.auto` then uses the CPU.
    func createSession(modelPath: String, options: SessionOptions) throws -> (OpaquePointer, String) {
        let wantsCuda = options.device == .cuda || (options.device == .auto && cudaAvailable)
        guard wantsCuda else {
            return (try createSession(modelPath, options, onCuda: false), Self.cpuProvider)
        }
        do {
            return (try createSession(modelPath, options, onCuda: true), Self.cudaProvider)
        } catch let cudaError as VisageError {
            if cudaError.code == "cuda_unavailable", options.device == .cuda { throw cudaError }
            // A CUDA session can also fail while loading (no GPU, driver or cuDNN mismatch), which
            // ORT reports like a bad model. A CPU attempt tells the two apart: if the model loads
            // there, CUDA was the problem; if not, its error is the one worth showing.
            let cpuSession = try createSession(modelPath, options, onCuda: false)
            if options.device == .cuda {
                api.ReleaseSession!(cpuSession)
                throw VisageError(.cudaUnavailable, "the model loads on the CPU but not on CUDA: \(cudaError.message)")
            }
            return (cpuSession, Self.cpuProvider)
        }
    }

    private func createSession(_ modelPath: String, _ options: SessionOptions, onCuda: Bool) throws -> OpaquePointer {
        var sessionOptions: OpaquePointer?
        try check(api.CreateSessionOptions!(&sessionOptions), "creating session options")
        // ORT copies what it needs from the options into the session, so they can go right after.
        defer { api.ReleaseSessionOptions!(sessionOptions) }

        try check(
            api.SetSessionGraphOptimizationLevel!(sessionOptions, options.graphOptimization.ortLevel),
            "setting the graph optimization level")
        if options.intraOpThreads > 0 {
            try check(
                api.SetIntraOpNumThreads!(sessionOptions, Int32(clamping: options.intraOpThreads)),
                "setting the intra-op thread count")
        }
        if onCuda { try appendCuda(to: sessionOptions, deviceId: options.cudaDeviceId) }

        var session: OpaquePointer?
        try check(
            api.CreateSession!(env, modelPath, sessionOptions, &session), code: .modelLoadFailed,
            "could not load model \(modelPath)")
        return session!
    }

    private func appendCuda(to sessionOptions: OpaquePointer?, deviceId: Int) throws {
        guard availableProviders.contains(Self.cudaProvider) else {
            throw VisageError(
                .cudaUnavailable,
                "ONNX Runtime at \(libraryPath) was built without CUDA (providers: "
                    + "\(availableProviders.joined(separator: ", "))); install the GPU wheel with scripts/setup.sh")
        }
        var cudaOptions: OpaquePointer?
        try check(api.CreateCUDAProviderOptions!(&cudaOptions), code: .cudaUnavailable, "creating CUDA options")
        defer { api.ReleaseCUDAProviderOptions!(cudaOptions) }

        try "device_id".withCString { key in
            try String(deviceId).withCString { value in
                try check(
                    api.UpdateCUDAProviderOptions!(cudaOptions, [key], [value], 1), code: .cudaUnavailable,
                    "selecting CUDA device \(deviceId)")
            }
        }
        try check(
            api.SessionOptionsAppendExecutionProvider_CUDA_V2!(sessionOptions, cudaOptions),
            code: .cudaUnavailable, "enabling the CUDA execution provider")
    }
}
