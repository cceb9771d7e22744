import CONNXRuntime

/// How much ONNX Runtime rewrites the graph when it loads a model.
public enum GraphOptimization: Sendable {
    case disabled, basic, extended, full

    var ortLevel: GraphOptimizationLevel {
        switch self {
        case .disabled: return ORT_DISABLE_ALL
        case .basic: return ORT_ENABLE_BASIC
        case .extended: return ORT_ENABLE_EXTENDED
        case .full: return ORT_ENABLE_ALL
        }
    }
}

/// Settings for one `InferenceSession`.
public struct SessionOptions: Sendable {
    /// Threads used inside one operator; 0 lets ONNX Runtime pick (one per physical core).
    public var intraOpThreads: Int
    public var device: InferenceDevice
    public var graphOptimization: GraphOptimization
    /// Which GPU to use when the session runs on CUDA.
    public var cudaDeviceId: Int

    /// The device defaults to `VISAGE_DEVICE`, so one environment variable steers every session.
    public init(
        intraOpThreads: Int = 0,
        device: InferenceDevice = .fromEnvironment(),
        graphOptimization: GraphOptimization = .full,
        cudaDeviceId: Int = 0
    ) {
        self.intraOpThreads = intraOpThreads
        self.device = device
        self.graphOptimization = graphOptimization
        self.cudaDeviceId = cudaDeviceId
    }
}
