import Foundation
import Logging
import VisageCore
import VisageJobs
import VisageServer
import VisageStorage

/// Job workers on threads of their own (handlers and stores block, so never on the cooperative
/// pool): `visage serve`'s in-process workers and `visage worker`'s. `VISAGE_JOB_WORKERS` says
/// how many (default 1; 0 runs none).
final class JobWorkerThreads: Sendable {
    let count: Int
    private let stopSignal = JobWorkerStop()
    private let finished = DispatchGroup()

    init(count: Int) {
        self.count = count
    }

    /// `--workers`, else `VISAGE_JOB_WORKERS`, else 1; checked before anything starts.
    convenience init(_ environment: [String: String], override: Int? = nil) throws {
        let count = try override ?? EnvironmentSettings(environment).integer("VISAGE_JOB_WORKERS", in: 0...64) ?? 1
        guard (0...64).contains(count) else {
            throw VisageError(.invalidConfiguration, "--workers must be from 0 to 64, got \(count)")
        }
        self.init(count: count)
    }

    /// Starts the workers over `store` with `handlers`.
    func start(store: any JobStore, handlers: JobHandlers, logger: Logger) {
        for _ in 0..<count {
            let worker = JobWorker(store: store, handlers: handlers) { logger.warning("\($0)") }
            finished.enter()
            Thread.detachNewThread { [stopSignal, finished] in
                worker.run(until: stopSignal)
                finished.leave()
            }
        }
        if count > 0 { logger.info("\(count) job workers running") }
    }

    /// `visage serve`'s hook, once the services are up: the services with the job queue over
    /// `store`, whose jobs these workers now run.
    func serve(_ services: ServerServices, store: any JobStore, logger: Logger) -> ServerServices {
        let served = services.withJobQueue(store)
        start(store: store, handlers: served.jobHandlers, logger: logger)
        return served
    }

    /// Asks the workers to stop after their current job; an idle one stops at once. A job cut
    /// short by the process exiting is claimed again once its lease expires.
    func stop() {
        stopSignal.stop()
    }

    /// Blocks until every worker has stopped.
    func wait() {
        finished.wait()
    }
}
