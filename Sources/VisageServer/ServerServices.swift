import Foundation
import Prometheus
import VisageAccess
import VisageClassifiers
import VisageFaces
import VisageImageSearch
import VisageImaging
import VisageInference
import VisageInput
import VisageJobs
import VisageRecognition
import VisageReferences
import VisageRouting
import VisageStorage
import VisageTasks
import VisageVideo
import VisageWebUI

/// The composition root: what `visage serve` loaded (the recognition service with its pipeline
/// and store, the face database, the input fetcher, the limits), and the one place that hands
/// each feature's routes the few of these it uses. Handlers never see this value.
public struct ServerServices: Sendable {
    public static let visageVersion = "0.1.0"

    public let recognition: RecognitionService
    /// Turns URLs, base64 and uploads into checked image bytes (seed 004's inputs).
    public let fetcher: ImageFetcher
    public let extractor: FaceExtractor
    /// Seed 002's searchable face collections.
    public let faceDatabase: FaceDatabaseService
    /// Seed 003's reference faces.
    public let references: ReferenceLibrary
    /// How videos are turned into frames (`VISAGE_VIDEO_*`).
    public let videoSampler: VideoFrameSampler
    /// Seed 003's routing of inbox files (one per process: it serialises the moves).
    public let mediaRouter: MediaRouter
    /// Seed 003's review queue (its deleted files go to the trash folder it was given).
    public let reviewQueue: ReviewQueue
    public let extraction: ExtractionSettings
    public let runtime: OnnxRuntime
    /// API keys and whether the API is open without them.
    public let access: AccessControl
    /// What `GET /metrics` emits: the registry swift-metrics was bootstrapped with (`visage
    /// serve` does it before anything records), plus the gauges read at each scrape.
    public let metrics: PrometheusCollectorRegistry
    /// Seed 001's task API's models (the face analyzer's, the person detector, CLIP, DINOv2),
    /// and the collection classifiers `classify` uses.
    public let taskModels: TaskModels
    /// Seed 000's image embeddings and their search (CLIP, from `taskModels`).
    public let imageSearch: ImageSearchService
    /// Issue 14's collection classifiers.
    public let classifiers: ClassifierLibrary
    /// Issue 15's job queue (`/jobs`); nil until `withJobQueue` gives one.
    public private(set) var jobs: JobQueue?
    let executor: BlockingExecutor
    let images: ImageLoader
    let concurrentJobs: Int

    public var analyzer: FaceAnalyzer { recognition.analyzer }

    /// Seed 003's tolerance scale for the embedding model: its calibrated same-person threshold.
    public static func toleranceScale(for recognition: RecognitionService) -> ToleranceScale {
        ToleranceScale(samePersonSimilarity: recognition.clusteringParameters.samePersonSimilarity)
    }

    /// `concurrentJobs`: images analysed at once (default: the number of cores); further
    /// requests wait, at most `maxQueued` of them (`VISAGE_MAX_QUEUE`); past that they are
    /// refused with 503 `server_busy`. `reviewTrash`: where the review queue's deleted files go
    /// (`visage serve`: the data directory's `trash`). `routingLease`: this process's owner of
    /// file moves (`visage serve`: from `VISAGE_ROUTING_*`; else the default heartbeat and lease).
    public init(
        recognition: RecognitionService, faceDatabase: FaceDatabaseService, references: ReferenceLibrary,
        routingStore: any RoutingStore, imageEmbeddings: any ImageEmbeddingStore, classifierStore: any ClassifierStore,
        reviewTrash: ReviewTrash, runtime: OnnxRuntime, fetcher: ImageFetcher, access: AccessControl,
        extraction: ExtractionSettings = ExtractionSettings(),
        concurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount, maxQueued: Int = 128,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), videoSampler: VideoFrameSampler = VideoFrameSampler(),
        taskModels: TaskModels? = nil, routingLease: RoutingLease? = nil
    ) {
        let routingLease = routingLease ?? RoutingLease(store: routingStore)
        classifiers = ClassifierLibrary(store: classifierStore)
        var taskModels = taskModels ?? TaskModels.facesOnly(recognition.analyzer)
        taskModels.classifiers = classifiers
        self.taskModels = taskModels
        imageSearch = ImageSearchService(encoder: taskModels.clipEncoder, store: imageEmbeddings)
        self.videoSampler = videoSampler
        mediaRouter = MediaRouter(
            store: routingStore, checker: MediaChecker(analyzer: recognition.analyzer, library: references), sampler: videoSampler,
            decoder: recognition.configuration.decoder, maxSide: recognition.configuration.maxSide,
            inputRoots: fetcher.policy.pathRoots, lease: routingLease)
        reviewQueue = ReviewQueue(
            store: routingStore,
            inspector: ReviewInspector(
                checker: MediaChecker(analyzer: recognition.analyzer, library: references), sampler: videoSampler,
                decoder: recognition.configuration.decoder, maxSide: recognition.configuration.maxSide),
            intake: ReferenceIntake(analyzer: recognition.analyzer, library: references), trash: reviewTrash, lease: routingLease)
        self.concurrentJobs = concurrentJobs
        self.recognition = recognition
        self.metrics = metrics
        self.faceDatabase = faceDatabase
        self.references = references
        self.fetcher = fetcher
        self.extraction = extraction
        self.runtime = runtime
        self.access = access
        extractor = FaceExtractor(
            analyzer: recognition.analyzer, workers: concurrentJobs,
            maxSide: recognition.configuration.maxSide)
        executor = BlockingExecutor(concurrentJobs: concurrentJobs, maxQueued: maxQueued)
        images = ImageLoader(
            fetcher: fetcher, decoder: recognition.configuration.decoder,
            maxSide: recognition.configuration.maxSide, maxRequestBytes: extraction.maxRequestBytes)
    }

    /// These services with a job queue over `store`: `/jobs` checks folders against the same
    /// input roots as every other path.
    public func withJobQueue(_ store: any JobStore) -> ServerServices {
        var services = self
        services.jobs = JobQueue(store: store, rules: JobPayloadRules(pathRoots: fetcher.policy.pathRoots))
        return services
    }

    /// The handlers of every job kind, over these services (what a worker of this server runs).
    public var jobHandlers: JobHandlers {
        JobHandlers([
            IngestFolderHandler(recognition: recognition), IngestURLsHandler(recognition: recognition, fetcher: fetcher),
            RouteMediaHandler(router: mediaRouter), ReindexHandler(recognition: recognition),
        ])
    }

    // MARK: Feature routes

    var healthRoutes: HealthRoutes {
        HealthRoutes(
            status: ServiceStatus(analyzer: analyzer, runtime: runtime, recognition: recognition, otherModels: taskModels.loadedModels))
    }

    var detectionRoutes: DetectionRoutes {
        DetectionRoutes(analyzer: analyzer, images: images, executor: executor)
    }

    var peopleRoutes: PeopleRoutes {
        PeopleRoutes(recognition: recognition, images: images, executor: executor)
    }

    var faceDatabaseRoutes: FaceDatabaseRoutes {
        FaceDatabaseRoutes(database: faceDatabase, images: images, executor: executor, defaultMinFaceSize: extraction.minFaceSize)
    }

    var extractionRoutes: ExtractionRoutes {
        ExtractionRoutes(
            extractor: extractor, images: images, executor: executor, settings: extraction,
            defaultSimilarity: extraction.similarityThreshold ?? recognition.clusteringParameters.samePersonSimilarity)
    }

    var referenceRoutes: ReferenceRoutes {
        ReferenceRoutes(
            intake: ReferenceIntake(analyzer: analyzer, library: references),
            checker: MediaChecker(analyzer: analyzer, library: references), faces: recognition.store, images: images,
            executor: executor, sampler: videoSampler)
    }

    var routingRoutes: RoutingRoutes {
        RoutingRoutes(router: mediaRouter, executor: executor)
    }

    var reviewRoutes: ReviewRoutes {
        ReviewRoutes(queue: reviewQueue, executor: executor, lanes: concurrentJobs)
    }

    var statusRoutes: StatusRoutes {
        StatusRoutes(recognition: recognition, routing: mediaRouter.store, executor: executor)
    }

    var taskRoutes: TaskRoutes {
        TaskRoutes(models: taskModels, images: images, executor: executor)
    }

    var imageSearchRoutes: ImageSearchRoutes {
        ImageSearchRoutes(search: imageSearch, images: images, executor: executor)
    }

    var analyzeRoutes: AnalyzeRoutes {
        AnalyzeRoutes(recognition: recognition, captioner: taskModels.captioner, search: imageSearch, images: images, executor: executor)
    }

    var captionRoutes: CaptionRoutes {
        CaptionRoutes(captioner: taskModels.captioner, images: images, executor: executor)
    }

    var classifierRoutes: ClassifierRoutes {
        ClassifierRoutes(
            library: classifiers, models: taskModels, storedEmbeddings: EncodedImageLookup(search: imageSearch), images: images, executor: executor)
    }

    var keyRoutes: KeyRoutes {
        KeyRoutes(keys: access.keys)
    }

    /// Nil only when the package was built without the UI's files.
    var webUIRoutes: WebUIRoutes? {
        (try? WebUIAssets()).map { WebUIRoutes(assets: $0) }
    }

    var metricsRoutes: MetricsRoutes {
        MetricsRoutes(registry: metrics, recognition: recognition, faceDatabase: faceDatabase)
    }
}
