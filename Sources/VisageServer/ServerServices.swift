import Dispatch
import Foundation
import VisageFaces
import VisageImaging
import VisageInference
import VisageInput
import VisageRecognition

/// What request handlers share: the recognition service (with its loaded pipeline and store)
/// and the limits. Immutable, so it is passed around by value and needs no locking.
public struct ServerServices: Sendable {
    public static let visageVersion = "0.1.0"

    public let recognition: RecognitionService
    /// Turns URLs, base64 and uploads into checked image bytes (seed 004's inputs).
    public let fetcher: ImageFetcher
    public let extractor: FaceExtractor
    /// Seed 002's searchable face collections.
    public let faceDatabase: FaceDatabaseService
    public let extraction: ExtractionSettings
    public let runtime: OnnxRuntime
    public let decoder: ImageDecoder
    public let maxSide: Int
    private let queue = DispatchQueue(label: "visage.inference", attributes: .concurrent)
    private let limit: WorkLimit

    public var analyzer: FaceAnalyzer { recognition.analyzer }

    /// `concurrentJobs`: images analysed at once (default: the number of cores); further
    /// requests wait.
    public init(recognition: RecognitionService, faceDatabase: FaceDatabaseService, runtime: OnnxRuntime, fetcher: ImageFetcher,
                extraction: ExtractionSettings = ExtractionSettings(),
                concurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.recognition = recognition
        self.faceDatabase = faceDatabase
        self.fetcher = fetcher
        self.extraction = extraction
        extractor = FaceExtractor(analyzer: recognition.analyzer, workers: concurrentJobs,
                                  maxSide: recognition.configuration.maxSide)
        limit = WorkLimit(limit: concurrentJobs)
        self.runtime = runtime
        decoder = recognition.configuration.decoder
        maxSide = recognition.configuration.maxSide
    }

    /// Runs blocking work (libvips, ONNX Runtime, SQLite) on a dispatch queue and awaits its result.
    /// At most `concurrentJobs` run at once.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await limit.acquire()
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { try work() }) }
        }
        await limit.release()
        return try result.get()
    }
}
