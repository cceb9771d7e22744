import ArgumentParser
import Foundation
import Logging
import VisageCore
import VisageInput
import VisageJobs
import VisagePostgres
import VisageReferences
import VisageRouting
import VisageServer
import VisageStorage
import VisageVideo

/// `visage worker`: a process that only runs jobs, beside any number of `visage serve`s and other
/// workers on one PostgreSQL database. On SQLite the jobs run inside `visage serve`
/// (`VISAGE_JOB_WORKERS`): a second process on one SQLite file would place faces with a people
/// index that misses what the server added since it started.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run queued jobs (POST /jobs, visage jobs submit) on the PostgreSQL database (VISAGE_DATABASE_URL).")

    @Option(help: "Jobs run at once (default: VISAGE_JOB_WORKERS or 1).")
    var workers: Int?

    @OptionGroup var data: DataOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "visage.worker")
        logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        do {
            let threads = try JobWorkerThreads(environment, override: workers)
            guard let url = try DataOptions.databaseURL(environment) else {
                throw VisageError(
                    .invalidConfiguration,
                    """
                    visage worker needs VISAGE_DATABASE_URL=postgres://...: on SQLite, jobs run inside `visage serve` \
                    (VISAGE_JOB_WORKERS, default 1), since a second process on one SQLite file would place faces with a \
                    stale people index
                    """)
            }
            let database = try PostgresStore(url: url)
            let services = try WorkerComposition.services(data: data, database: database, environment: environment)
            threads.start(store: PostgresJobStore(store: database), handlers: services.handlers, logger: logger)
            SignalStop.onTermination { threads.stop() }
            threads.wait()
            services.shutdown()
        } catch {
            exitWithError(error)
        }
    }
}

/// What a worker process runs its jobs with: the same services `visage serve` composes, over the
/// library in the PostgreSQL database `VISAGE_DATABASE_URL` names.
struct WorkerComposition {
    let handlers: JobHandlers
    /// Closed before the process ends (AsyncHTTPClient requires it).
    let fetcher: ImageFetcher
    /// This process's routing lease, given up at the end so its moves need no recovery wait.
    let routingLease: RoutingLease

    func shutdown() {
        routingLease.stop()
        let closed = DispatchSemaphore(value: 0)
        Task { [fetcher] in
            try? await fetcher.shutdown()
            closed.signal()
        }
        closed.wait()
    }

    static func services(data: DataOptions, database: PostgresStore, environment: [String: String]) throws -> WorkerComposition {
        let tools = try ReferenceTools(data)
        let routing = try data.openRecordStores()
        let fetcher = ImageFetcher(policy: try InputPolicy.fromEnvironment(environment))
        let lease = RoutingLease(store: routing, settings: try RoutingLeaseSettings.fromEnvironment(environment))
        let router = MediaRouter(
            store: routing, checker: MediaChecker(analyzer: tools.recognition.analyzer, library: tools.library),
            sampler: try VideoFrameSampler.fromEnvironment(environment), decoder: tools.decoder,
            maxSide: tools.recognition.configuration.maxSide, inputRoots: fetcher.policy.pathRoots, lease: lease)
        let handlers = JobHandlers([
            IngestFolderHandler(recognition: tools.recognition), IngestURLsHandler(recognition: tools.recognition, fetcher: fetcher),
            RouteMediaHandler(router: router), ReindexHandler(recognition: tools.recognition),
        ])
        return WorkerComposition(handlers: handlers, fetcher: fetcher, routingLease: lease)
    }
}

/// SIGINT and SIGTERM call `stop` once instead of killing the process, so workers finish their job.
enum SignalStop {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func onTermination(_ stop: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            sources.append(source)
        }
    }
}
