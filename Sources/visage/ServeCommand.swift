import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import Synchronization
import VisageAccess
import VisageCore
import VisageInference
import VisageInput
import VisageRecognition
import VisageReferences
import VisageRouting
import VisageSQLite
import VisageServer
import VisageVideo

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (see docs/API.md).")

    @Option(help: "Address to listen on (default: VISAGE_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port (default: PORT, VISAGE_PORT or 8000).")
    var port: Int?

    @Option(help: "Images analysed at once; further requests wait (default: VISAGE_WORKERS or the number of cores).")
    var workers: Int?

    @Flag(
        name: .customLong("insecure-no-auth"),
        help: "Serve without API keys on a non-loopback address while the database holds none (anyone who can connect may do anything).")
    var insecureNoAuth = false

    @OptionGroup var data: DataOptions

    func run() async throws {
        MemoryTuning.keepLargeBuffersInHeap()
        let environment = ProcessInfo.processInfo.environment
        let configuration = EnvironmentSettings(environment)
        var logger = Logger(label: "visage")
        logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        // Every setting is checked before the port opens: a bad value stops the start with the
        // variable's name.
        let jobs: Int, queued: Int, listenPort: Int, policy: InputPolicy, extraction: ExtractionSettings
        let videoSampler: VideoFrameSampler, routingLeaseSettings: RoutingLeaseSettings
        do {
            jobs = try workers ?? configuration.integer("VISAGE_WORKERS", in: 1...1024) ?? ProcessInfo.processInfo.activeProcessorCount
            queued = try configuration.integer("VISAGE_MAX_QUEUE", in: 0...100_000) ?? 128
            listenPort =
                try port ?? configuration.integer("PORT", in: 0...65535)
                ?? configuration.integer("VISAGE_PORT", in: 0...65535) ?? 8000
            policy = try InputPolicy.fromEnvironment(environment)
            extraction = try ExtractionSettings.fromEnvironment(environment)
            videoSampler = try VideoFrameSampler.fromEnvironment(environment)
            routingLeaseSettings = try RoutingLeaseSettings.fromEnvironment(environment)
            _ = try data.recognitionConfiguration()
        } catch {
            exitWithError(error)
        }
        let jobWorkers: JobWorkerThreads
        do { jobWorkers = try JobWorkerThreads(environment) } catch { exitWithError(error) }
        let listenHost = host ?? environment["VISAGE_HOST"] ?? "127.0.0.1"
        // The store is opened before the port: without keys the API is open, which only a
        // loopback address (or the operator's explicit --insecure-no-auth) makes safe.
        let library: LibraryStores, access: AccessControl
        do {
            library = try data.openLibrary()
            let keys = KeyService(store: library.keys)
            access = AccessControl(
                keys: keys, sessions: SessionService(store: library.keys, keys: keys), host: listenHost, insecureNoAuth: insecureNoAuth)
            if !LoopbackHost.isLoopback(listenHost), try !access.keys.keysExist() {
                if !insecureNoAuth {
                    throw VisageError(
                        .invalidConfiguration,
                        """
                        refusing to serve on \(listenHost) without API keys: anyone who can connect could read and change \
                        the library. Create a key with `visage keys create --name NAME --scope SCOPE`, listen on 127.0.0.1, \
                        or pass --insecure-no-auth
                        """)
                }
                logger.warning("serving on \(listenHost) without API keys (--insecure-no-auth): every route is open")
            }
        } catch {
            exitWithError(error)
        }
        let fetcher = ImageFetcher(policy: policy)
        // Before anything records (the models load below): swift-metrics binds each metric to the
        // backend that is set up when the metric is made.
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        let (app, startup) = VisageApplication.buildStarting(
            host: listenHost, port: listenPort,
            allowedOrigins: environment["ALLOWED_ORIGINS"], logger: logger)
        // The port answers at once (/health: loading, /ready: 503) while the models load and the
        // vector indexes are read from the database, on a thread of their own.
        let data = data, startupLogger = logger, stores = library
        let settling = BackgroundTask()
        let routingLease = RoutingLease(store: library.routing, settings: routingLeaseSettings)
        let indexes = IndexSaver()
        Thread.detachNewThread {
            do {
                let recognition = try data.loadRecognition(store: stores.faces)
                let faceDatabase = FaceDatabaseService(analyzer: recognition.analyzer, collections: stores.collections)
                startupLogger.info(
                    "data in \(stores.location): \(recognition.indexedFaceCount) faces of \(recognition.embeddingModel); ready")
                indexes.keep { try recognition.library.saveIndex() }
                for save in stores.indexSavers { indexes.keep(save) }
                let references = ReferenceLibrary(
                    store: stores.references, embeddingModel: recognition.embeddingModel,
                    scale: ServerServices.toleranceScale(for: recognition))
                let services = ServerServices(
                    recognition: recognition, faceDatabase: faceDatabase, references: references,
                    routingStore: stores.routing, imageEmbeddings: stores.images, classifierStore: stores.classifiers,
                    reviewTrash: data.reviewTrash,
                    runtime: try OnnxRuntime.load(),
                    fetcher: fetcher, access: access, extraction: extraction, concurrentJobs: jobs,
                    maxQueued: queued, metrics: metrics, videoSampler: videoSampler,
                    taskModels: try data.loadTaskModels(analyzer: recognition.analyzer), routingLease: routingLease)
                // Moves a crash left half done are finished or undone before any new one starts.
                let recovery = try services.mediaRouter.recover()
                if !recovery.isEmpty {
                    startupLogger.warning(
                        "routing journal: \(recovery.completed.count) moves completed, \(recovery.rolledBack.count) rolled back, \(recovery.missing.count) files missing"
                    )
                }
                startup.finish(with: jobWorkers.serve(services, store: stores.jobs, logger: startupLogger))
                // People are re-examined in the background after bursts of new faces.
                settling.start { await recognition.settlePeople() }
            } catch {
                exitWithError(error)
            }
        }
        // runService handles SIGINT/SIGTERM: stops accepting, finishes in-flight requests, exits.
        try await app.runService()
        settling.cancel()
        jobWorkers.stop()
        routingLease.stop()
        // The graphs go next to the database, so the next start reads them instead of building.
        indexes.saveAll(logger: logger)
        try await fetcher.shutdown()
    }
}

/// What saves the vector indexes at shutdown, registered once they are loaded.
private final class IndexSaver: Sendable {
    private let savers = Mutex<[@Sendable () throws -> Void]>([])

    func keep(_ save: @escaping @Sendable () throws -> Void) {
        savers.withLock { $0.append(save) }
    }

    func saveAll(logger: Logger) {
        for save in savers.withLock({ $0 }) {
            do {
                try save()
            } catch {
                logger.warning("vector index not saved (it will be rebuilt at the next start): \(error)")
            }
        }
    }
}

/// A task started from another thread and cancelled at shutdown.
private final class BackgroundTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ work: @escaping @Sendable () async -> Void) {
        task.withLock { $0 = Task(operation: work) }
    }

    func cancel() {
        task.withLock { $0?.cancel() }
    }
}
