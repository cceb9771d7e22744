import Foundation
import VisageClustering
import VisageCore
import VisageFaces
import VisageImaging

/// One unique face of an extraction batch (seed 004).
public struct ExtractedFace: Sendable {
    public var faceID: String
    /// L2-normalised.
    public var embedding: [Float]
    /// The face aligned onto a 160x160 headshot, as JPEG.
    public var headshotJPEG: Data
    public var confidence: Double
    public var quality: Double
    /// Index of the image (in the request) the face was taken from.
    public var imageIndex: Int
    /// How many detected faces of the batch this face stands for (itself included).
    public var occurrences: Int
}

/// What `FaceExtractor.extract` found.
public struct ExtractionResult: Sendable {
    public var faces: [ExtractedFace]
    public var totalFacesDetected: Int
    public var imagesProcessed: Int
    /// Images that could not be used, by request index: each fails alone, never the batch.
    public var imageErrors: [Int: VisageError]
}

/// Seed 004's batch extraction: every face of every image, deduplicated across the batch, the
/// best face of each person kept, with an aligned headshot.
///
/// Images are loaded, decoded and analysed concurrently, one per worker at a time, and each is
/// released as soon as its faces' headshots are encoded, so a batch of 100 large photos never
/// holds more than `workers` decoded images.
public struct FaceExtractor: Sendable {
    public let analyzer: FaceAnalyzer
    public var workers: Int
    public var maxSide: Int

    public init(analyzer: FaceAnalyzer, workers: Int = ProcessInfo.processInfo.activeProcessorCount, maxSide: Int = 4096) {
        self.analyzer = analyzer
        self.workers = max(1, workers)
        self.maxSide = maxSide
    }

    /// - Parameters:
    ///   - images: one loader per image, called on a worker thread; a throw fails that image only.
    ///   - similarityThreshold: cosine similarity at or above which two faces are one person.
    ///   - minFaceSize: faces whose shorter side is smaller (full-size pixels) are ignored.
    public func extract(
        _ images: [@Sendable () throws -> DecodedImage], similarityThreshold: Double,
        minFaceSize: Double
    ) throws -> ExtractionResult {
        let perImage = PerImageResults(count: images.count)
        let options = AnalysisOptions(embeddings: true, minFaceSize: minFaceSize)
        let analyzer = analyzer
        ParallelMap.run(count: images.count, workers: workers) { index in
            perImage.set(
                index,
                Result {
                    let decoded = try images[index]()
                    return try analyzer.analyze(decoded, options: options).map { face in
                        try Self.candidate(face, in: decoded, imageIndex: index)
                    }
                }.mapError { $0 as? VisageError ?? VisageError(.internalError, "\($0)") })
        }

        var candidates: [Candidate] = [], errors: [Int: VisageError] = [:]
        for (index, result) in perImage.results.enumerated() {
            switch result {
            case .success(let faces)?: candidates += faces
            case .failure(let error)?: errors[index] = error
            case nil: errors[index] = VisageError(.internalError, "image \(index) was not processed")
            }
        }
        let groups = try FaceDeduplication(threshold: Float(similarityThreshold))
            .groups(candidates.map { DeduplicationCandidate(embedding: $0.embedding, quality: $0.quality) })
        let faces = groups.map { group in
            let best = candidates[group[0]]
            return ExtractedFace(
                faceID: UUID().uuidString.lowercased(), embedding: best.embedding, headshotJPEG: best.headshot,
                confidence: best.confidence, quality: best.quality, imageIndex: best.imageIndex,
                occurrences: group.count)
        }
        return ExtractionResult(
            faces: faces, totalFacesDetected: candidates.count,
            imagesProcessed: images.count - errors.count, imageErrors: errors)
    }

    struct Candidate: Sendable {
        var embedding: [Float]
        var headshot: Data
        var confidence: Double
        var quality: Double
        var imageIndex: Int
    }

    private static func candidate(_ face: AnalyzedFace, in decoded: DecodedImage, imageIndex: Int) throws -> Candidate {
        let box = face.detection.box
        let headshot = decoded.image.aligned(face.detection.landmarks.scaled(by: decoded.scale), to: .headshot160)
        return Candidate(
            embedding: face.embedding ?? [], headshot: try headshot.encoded(.jpeg(quality: 90)),
            confidence: face.detection.confidence,
            quality: HeadshotQuality.score(
                confidence: face.detection.confidence, shortSide: min(box.width, box.height),
                yaw: face.pose.yaw, pitch: face.pose.pitch),
            imageIndex: imageIndex)
    }
}

/// Each image's faces or error, written by the worker that handled it.
private final class PerImageResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<[FaceExtractor.Candidate], VisageError>?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<[FaceExtractor.Candidate], VisageError>) {
        lock.withLock { storage[index] = result }
    }

    var results: [Result<[FaceExtractor.Candidate], VisageError>?] { lock.withLock { storage } }
}
