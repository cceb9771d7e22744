import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VisageInference
import VisageInput
import VisageRecognition
import VisageServer
import VisageSQLite

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

    @OptionGroup var data: DataOptions

    func run() async throws {
        MemoryTuning.keepLargeBuffersInHeap()
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "visage")
        logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let jobs = workers ?? environment["VISAGE_WORKERS"].flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
        let fetcher = ImageFetcher(policy: InputPolicy.fromEnvironment())
        let listenPort = port ?? environment["PORT"].flatMap(Int.init) ?? environment["VISAGE_PORT"].flatMap(Int.init) ?? 8000
        let (app, startup) = VisageApplication.buildStarting(host: host ?? environment["VISAGE_HOST"] ?? "127.0.0.1", port: listenPort,
                                                             allowedOrigins: environment["ALLOWED_ORIGINS"], logger: logger)
        // The port answers at once (/health: loading, /ready: 503) while the models load and the
        // vector indexes are read from the database, on a thread of their own.
        let data = data, extraction = ExtractionSettings.fromEnvironment(), startupLogger = logger
        Thread.detachNewThread {
            do {
                let store = try data.openStore()
                let recognition = try data.loadRecognition(store: store)
                let faceDatabase = FaceDatabaseService(analyzer: recognition.analyzer,
                                                       collections: try SQLiteFaceCollections(store: store))
                startupLogger.info("data in \(data.resolvedDataDirectory.path): \(recognition.indexedFaceCount) faces of \(recognition.embeddingModel); ready")
                startup.finish(with: ServerServices(recognition: recognition, faceDatabase: faceDatabase, runtime: try OnnxRuntime.load(),
                                                    fetcher: fetcher, extraction: extraction, concurrentJobs: jobs))
            } catch {
                exitWithError(error)
            }
        }
        // runService handles SIGINT/SIGTERM: stops accepting, finishes in-flight requests, exits.
        try await app.runService()
        try await fetcher.shutdown()
    }
}
