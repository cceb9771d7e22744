import Foundation
import Metrics
import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// What to compute for each face.
public struct AnalysisOptions: Sendable {
    public var embeddings: Bool
    public var smallFaces: SmallFaceSearch
    /// Also search sideways and upside-down when the upright pass finds no convincing face.
    public var uprightSearch: Bool
    /// Faces whose shorter box side is below this many pixels (full-size image) are dropped.
    public var minFaceSize: Double

    public init(embeddings: Bool = true, smallFaces: SmallFaceSearch = .auto, uprightSearch: Bool = true, minFaceSize: Double = 0) {
        self.embeddings = embeddings
        self.smallFaces = smallFaces
        self.uprightSearch = uprightSearch
        self.minFaceSize = minFaceSize
    }
}

/// The face pipeline for one model pack: detect, then per face pose, attributes and embedding.
/// Immutable and safe to share between threads; ONNX Runtime sessions allow concurrent runs.
public final class FaceAnalyzer: Sendable {
    public let pack: ModelPack
    /// The face models this analyzer loaded, by role: what `/health` and `models_used` report.
    public let models: ModelRegistry
    let detector: any FaceDetector
    let embedder: FaceEmbedder
    let attributes: AttributeEstimator?
    /// Scores each face's quality from the signals measured with its embedding.
    public let qualityModel: FaceQualityModel

    /// Which model did which job, for `models_used` in responses.
    public var modelsUsed: [String: String] { models.modelsUsed }

    public var embeddingDimensions: Int { embedder.dimensions }
    /// The embedder's name, stored with every embedding: embeddings of different models are
    /// never compared.
    public var embeddingModelName: String { models.model(for: .faceEmbedder)?.name ?? pack.name }

    /// "CUDAExecutionProvider" or "CPUExecutionProvider": where the models run.
    public var executionProvider: String { embedder.session.executionProvider }

    /// Loads the pack's face models from `store` (which must have them installed).
    public init(pack: ModelPack, store: ModelStore, runtime: OnnxRuntime, options: SessionOptions) throws {
        var loaded: [LoadedModel] = []
        func session(_ role: ModelRole) throws -> InferenceSession? {
            guard let spec = pack.model(for: role) else { return nil }
            let session = try InferenceSession(runtime: runtime, modelPath: store.path(for: spec.file).path, options: options)
            loaded.append(LoadedModel(spec: spec, executionProvider: session.executionProvider))
            return session
        }
        self.pack = pack
        // ModelPack guarantees a detector and an embedder, so these sessions exist.
        let detectorSession = try session(.faceDetector)!
        let size = pack.detector.inputSize
        let layout = pack.detector.normalization
        switch pack.detector.decoder {
        case .yunet:
            detector = try YuNetDetector(session: detectorSession, inputWidth: size.width, inputHeight: size.height, layout: layout)
        case .scrfd:
            detector = try SCRFDDetector(session: detectorSession, inputWidth: size.width, inputHeight: size.height, layout: layout)
        }
        embedder = try FaceEmbedder(session: try session(.faceEmbedder)!, layout: pack.embedder.normalization)
        if let spec = pack.attributes, let attributesSession = try session(.faceAttributes) {
            attributes = try AttributeEstimator(session: attributesSession, size: spec.inputSize.width, layout: spec.normalization)
        } else {
            attributes = nil
        }
        models = ModelRegistry(packName: pack.name, models: loaded)
        qualityModel = FaceQualityModel.forModel(models.model(for: .faceEmbedder)?.name ?? pack.name)
    }

    /// Faces of `decoded`, in full-size displayed-image coordinates, largest first.
    public func analyze(_ decoded: DecodedImage, options: AnalysisOptions = .init()) throws -> [AnalyzedFace] {
        let image = decoded.image
        let toFullSize = 1 / decoded.scale
        let tiled = TiledDetection(detector: detector, mode: options.smallFaces)
        var found = try UprightSearch(enabled: options.uprightSearch).detect(in: image, upright: tiled.detect, turned: detector.detect)
        found = found.filter { min($0.box.width, $0.box.height) * toFullSize >= options.minFaceSize }
        found.sort { $0.box.area > $1.box.area }
        let embeddings = options.embeddings ? try embedder.embedMeasuring(found.map(\.landmarks), in: image) : nil
        let attributeValues = try attributes?.estimate(found, in: image)
        Counter(label: "visage_faces_analyzed_total").increment(by: found.count)
        return found.enumerated().map { index, face in
            let full = DetectedFace(
                box: face.box.scaled(by: toFullSize), confidence: face.confidence,
                landmarks: face.landmarks.scaled(by: toFullSize))
            let pose = HeadPoseEstimator.estimate(face.landmarks)
            let quality = embeddings.map {
                qualityModel.quality(
                    detectorConfidence: face.confidence, size: min(full.box.width, full.box.height), pose: pose, measured: $0[index])
            }
            return AnalyzedFace(
                detection: full, pose: pose, age: attributeValues?[index].age, gender: attributeValues?[index].gender,
                embedding: embeddings?[index].vector, quality: quality)
        }
    }
}

public extension FaceAnalyzer {
    /// Embeddings of faces already aligned to the ArcFace template (used by benchmarks).
    func embed(alignedFaces: [RGBImage]) throws -> [[Float]] {
        try embedder.embed(alignedFaces: alignedFaces)
    }
}
