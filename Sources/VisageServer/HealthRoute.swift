import Hummingbird
import VisageFaces
import VisageImaging

/// `GET /health`, in the seed's shape: whether the service can work, where models run, and what
/// is loaded. `gpu_info` is null on CPU (Visage does not query GPU memory itself).
struct HealthResponse: ResponseEncodable {
    let status: String
    let device: String
    let cudaAvailable: Bool
    let gpuInfo: [String: String]?
    let versions: [String: String]
    let modelsLoaded: [String: Bool]
    let modelsUsed: [String: String]

    enum CodingKeys: String, CodingKey {
        case status, device, versions
        case cudaAvailable = "cuda_available"
        case gpuInfo = "gpu_info"
        case modelsLoaded = "models_loaded"
        case modelsUsed = "models_used"
    }

    /// Written by hand so `gpu_info` appears as null on CPU, as the seed's clients expect.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(device, forKey: .device)
        try container.encode(cudaAvailable, forKey: .cudaAvailable)
        try container.encode(gpuInfo, forKey: .gpuInfo)
        try container.encode(versions, forKey: .versions)
        try container.encode(modelsLoaded, forKey: .modelsLoaded)
        try container.encode(modelsUsed, forKey: .modelsUsed)
    }

    init(services: ServerServices) {
        let analyzer = services.analyzer
        let onCuda = analyzer.executionProvider == "CUDAExecutionProvider"
        status = "healthy"
        device = onCuda ? "cuda" : "cpu"
        cudaAvailable = services.runtime.cudaAvailable
        gpuInfo = onCuda ? ["execution_provider": analyzer.executionProvider] : nil
        versions = ["visage": ServerServices.visageVersion, "onnxruntime": services.runtime.version,
                    "libvips": ImageDecoder.libraryVersion]
        modelsLoaded = ["face": true, "clip": false, "caption": false]
        modelsUsed = analyzer.modelsUsed
    }
}
