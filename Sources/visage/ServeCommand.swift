import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VisageFaces
import VisageImaging
import VisageInference
import VisageServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (GET /health, POST /faces/detect).")

    @Option(help: "Address to listen on (default: VISAGE_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port (default: PORT, VISAGE_PORT or 8000).")
    var port: Int?

    @Option(help: "Model pack.")
    var pack: String?

    @Option(name: .customLong("model-dir"), help: "Folder with installed models.")
    var modelDirectory: String?

    func run() async throws {
        MemoryTuning.keepLargeBuffersInHeap()
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "visage")
        logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let settings = PipelineSettings(packName: pack, modelDirectory: modelDirectory, threadsPerSession: 1)
        let analyzer: FaceAnalyzer
        do { analyzer = try settings.loadAnalyzer() } catch { exitWithError(error) }
        let services = ServerServices(analyzer: analyzer, runtime: try OnnxRuntime.load(),
                                      maxSide: environment["VISAGE_MAX_SIDE"].flatMap(Int.init) ?? 4096)
        let listenPort = port ?? environment["PORT"].flatMap(Int.init) ?? environment["VISAGE_PORT"].flatMap(Int.init) ?? 8000
        let app = VisageApplication.build(services: services, host: host ?? environment["VISAGE_HOST"] ?? "127.0.0.1",
                                          port: listenPort, logger: logger)
        // runService handles SIGINT/SIGTERM: stops accepting, finishes in-flight requests, exits.
        try await app.runService()
    }
}
