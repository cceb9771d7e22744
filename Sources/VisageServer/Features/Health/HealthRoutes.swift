import Hummingbird
import VisageClustering
import VisageFaces
import VisageImaging
import VisageInference
import VisageModels
import VisageRecognition
import VisageTasks

/// `GET /health` and `GET /ready`: liveness in the seeds' shapes, from what is loaded.
struct HealthRoutes: FeatureRoutes {
    let status: ServiceStatus

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        let status = status
        routes.get("health") { _, _ in HealthResponse(service: status) }
        routes.get("ready") { _, _ in ReadyResponse(service: status) }
        return routes
    }
}

/// What the health routes report on: the face pipeline and the ONNX Runtime it runs on.
struct ServiceStatus: Sendable {
    let analyzer: FaceAnalyzer
    let runtime: OnnxRuntime
    /// Whose thresholds (the model's, with `VISAGE_CLUSTER_*` applied) and background pass are
    /// reported.
    let recognition: RecognitionService
    /// Models loaded beside the face pack (the captioner) that `models_loaded` counts.
    var otherModels: [LoadedModel] = []
}

/// `clustering` in `GET /health`: the thresholds in use, so an operator can see an override took,
/// and what the background pass has done.
struct ClusteringSettings: Encodable, Sendable {
    let similarity: Float
    let joinSimilarity: Float
    let groupSimilarity: Float
    let minFaces: Int
    let minQuality: Double
    let samePersonSimilarity: Double
    let settling: SettlingPayload

    init(_ parameters: ClusteringParameters, settling: SettlingStatus) {
        similarity = parameters.neighborSimilarity
        joinSimilarity = parameters.joinSimilarity
        groupSimilarity = parameters.groupSimilarity
        minFaces = parameters.minNeighbors
        minQuality = parameters.minQuality
        samePersonSimilarity = parameters.samePersonSimilarity
        self.settling = SettlingPayload(settling)
    }

    enum CodingKeys: String, CodingKey {
        case similarity, settling
        case joinSimilarity = "join_similarity"
        case groupSimilarity = "group_similarity"
        case minFaces = "min_faces"
        case minQuality = "min_quality"
        case samePersonSimilarity = "same_person_similarity"
    }
}

/// `clustering.settling` in `GET /health`: the background pass that reclusters after new faces.
struct SettlingPayload: Encodable, Sendable {
    /// The last pass's recluster figures (as `POST /faces/recluster` answers them) and when it
    /// ended.
    struct LastPass: Encodable, Sendable {
        let finishedAt: String
        let figures: ReclusterFigures

        func encode(to encoder: Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(finishedAt, forKey: .finishedAt)
        }

        enum CodingKeys: String, CodingKey { case finishedAt = "finished_at" }
    }

    let enabled: Bool
    let quietSeconds: Double?
    let pendingFaces: Int
    let running: Bool
    let passes: Int
    let lastPass: LastPass?
    let lastError: String?

    init(_ status: SettlingStatus) {
        enabled = status.quietSeconds != nil
        quietSeconds = status.quietSeconds
        pendingFaces = status.pendingFaces
        running = status.running
        passes = status.passes
        if let pass = status.lastPass, let finished = status.lastPassFinishedAt {
            lastPass = LastPass(finishedAt: ServiceTimestamp.format(finished), figures: ReclusterFigures(pass))
        } else {
            lastPass = nil
        }
        lastError = status.lastError
    }

    /// Written by hand so the optional fields appear as null.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(quietSeconds, forKey: .quietSeconds)
        try container.encode(pendingFaces, forKey: .pendingFaces)
        try container.encode(running, forKey: .running)
        try container.encode(passes, forKey: .passes)
        try container.encode(lastPass, forKey: .lastPass)
        try container.encode(lastError, forKey: .lastError)
    }

    enum CodingKeys: String, CodingKey {
        case enabled, running, passes
        case quietSeconds = "quiet_seconds", pendingFaces = "pending_faces", lastPass = "last_pass", lastError = "last_error"
    }
}

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
    /// Seed 004's fields: when, which Visage, which face models.
    let timestamp = ServiceTimestamp.now()
    let version = ServerServices.visageVersion
    let faceDetectionModel: String
    let clustering: ClusteringSettings

    enum CodingKeys: String, CodingKey {
        case status, device, versions, timestamp, version, clustering
        case faceDetectionModel = "face_detection_model"
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
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(version, forKey: .version)
        try container.encode(faceDetectionModel, forKey: .faceDetectionModel)
        try container.encode(clustering, forKey: .clustering)
    }

    init(service: ServiceStatus) {
        let analyzer = service.analyzer
        let onCuda = analyzer.executionProvider == "CUDAExecutionProvider"
        status = "healthy"
        device = onCuda ? "cuda" : "cpu"
        cudaAvailable = service.runtime.cudaAvailable
        gpuInfo = onCuda ? ["execution_provider": analyzer.executionProvider] : nil
        versions = [
            "visage": ServerServices.visageVersion, "onnxruntime": service.runtime.version,
            "libvips": ImageDecoder.libraryVersion,
        ]
        modelsLoaded = analyzer.models.adding(service.otherModels).modelsLoaded
        modelsUsed = analyzer.modelsUsed
        faceDetectionModel = [modelsUsed["face_embedding"], modelsUsed["face_detection"]].compactMap { $0 }.joined(separator: " + ")
        clustering = ClusteringSettings(service.recognition.clusteringParameters, settling: service.recognition.settlingStatus)
    }
}

/// `GET /ready` (seed 004): 200 once the models are loaded. While `visage serve` is still loading
/// them, `ServerStartup` answers 503 `models_not_ready` instead.
struct ReadyResponse: ResponseEncodable {
    let status = "ready"
    let timestamp = ServiceTimestamp.now()
    let version = ServerServices.visageVersion
    let faceDetectionModel: String

    enum CodingKeys: String, CodingKey {
        case status, timestamp, version
        case faceDetectionModel = "face_detection_model"
    }

    init(service: ServiceStatus) {
        faceDetectionModel = HealthResponse(service: service).faceDetectionModel
    }
}
