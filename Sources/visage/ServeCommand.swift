import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VisageInference
import VisageInput
import VisageRecognition
import VisageServer
import VisageStore

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
        let recognition: RecognitionService, faceDatabase: FaceDatabaseService
        do {
            recognition = try data.loadRecognition()
            faceDatabase = FaceDatabaseService(analyzer: recognition.analyzer, collections: try FaceCollections(store: recognition.store))
        } catch { exitWithError(error) }
        logger.info("data in \(data.resolvedDataDirectory.path): \(recognition.indexedFaceCount) faces of \(recognition.embeddingModel)")
        let jobs = workers ?? environment["VISAGE_WORKERS"].flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
        let fetcher = ImageFetcher(policy: InputPolicy.fromEnvironment())
        let services = ServerServices(recognition: recognition, faceDatabase: faceDatabase, runtime: try OnnxRuntime.load(), fetcher: fetcher,
                                      extraction: ExtractionSettings.fromEnvironment(), concurrentJobs: jobs)
        let listenPort = port ?? environment["PORT"].flatMap(Int.init) ?? environment["VISAGE_PORT"].flatMap(Int.init) ?? 8000
        let app = VisageApplication.build(services: services, host: host ?? environment["VISAGE_HOST"] ?? "127.0.0.1",
                                          port: listenPort, allowedOrigins: environment["ALLOWED_ORIGINS"], logger: logger)
        // runService handles SIGINT/SIGTERM: stops accepting, finishes in-flight requests, exits.
        try await app.runService()
        try await fetcher.shutdown()
    }
}
