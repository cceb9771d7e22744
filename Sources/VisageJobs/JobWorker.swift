import Foundation
import VisageCore
import VisageStorage

/// A worker: claims the oldest due job, runs its kind's handler while a timer renews the lease,
/// then completes it or fails it (a retry after backoff, or the dead letters after the last
/// attempt). Synchronous: run it on a thread of its own (`visage serve` and `visage worker`
/// do), never on Swift's cooperative pool, since handlers and stores block.
public final class JobWorker: Sendable {
    public struct Settings: Sendable {
        /// How long a claim holds without renewal: a worker that dies loses its job after this.
        public var lease: TimeInterval
        /// How often a running job's lease is renewed (and its progress written).
        public var heartbeat: TimeInterval
        public var backoff: JobBackoff
        /// How long an idle worker waits before looking for a job again.
        public var idlePoll: TimeInterval

        public init(lease: TimeInterval = 60, heartbeat: TimeInterval? = nil, backoff: JobBackoff = .standard, idlePoll: TimeInterval = 1) {
            self.lease = lease
            self.heartbeat = heartbeat ?? min(lease / 3, 2)
            self.backoff = backoff
            self.idlePoll = idlePoll
        }
    }

    public let id: String
    public let store: any JobStore
    public let handlers: JobHandlers
    public let settings: Settings
    private let log: @Sendable (String) -> Void

    public init(
        id: String = JobWorker.uniqueID(), store: any JobStore, handlers: JobHandlers, settings: Settings = Settings(),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.id = id
        self.store = store
        self.handlers = handlers
        self.settings = settings
        self.log = log
    }

    /// Host, process and a random part: unique across processes and restarts.
    public static func uniqueID() -> String {
        "\(ProcessInfo.processInfo.hostName.prefix(64))-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }

    /// Claims one due job and runs it to its end; the job as it finished, or nil when none was due.
    @discardableResult public func runOne() throws -> Job? {
        guard let job = try store.claim(worker: id, lease: settings.lease), let lease = job.lease else { return nil }
        let context = JobContext(job: job, lease: lease, store: store, leaseSeconds: settings.lease)
        let heartbeat = Heartbeat(every: settings.heartbeat) { context.beat() }
        defer { heartbeat.stop() }
        do {
            guard let handler = handlers.handler(for: job.kind) else {
                throw VisageError(.unknownJobKind, "this worker runs no \(job.kind) jobs")
            }
            let result = try handler.run(context)
            heartbeat.stop()
            try context.flush()
            return try store.complete(lease, result: result)
        } catch let error as VisageError where error.errorCode == .jobLeaseLost {
            log("job \(job.id) (\(job.kind)) was taken from this worker; stopped")
            return try store.job(job.id)
        } catch {
            heartbeat.stop()
            let message = (error as? VisageError)?.description ?? "\(error)"
            log("job \(job.id) (\(job.kind)) attempt \(job.attempts) of \(job.maxAttempts) failed: \(message)")
            do {
                return try store.fail(lease, error: message, backoff: settings.backoff)
            } catch let lost as VisageError where lost.errorCode == .jobLeaseLost {
                return try store.job(job.id)
            }
        }
    }

    /// Runs jobs until `stop` says so, waiting `idlePoll` whenever none is due. A store error
    /// (the database away) is logged and waited out the same way.
    public func run(until stop: JobWorkerStop) {
        while !stop.isStopped {
            do {
                if try runOne() != nil { continue }
            } catch {
                log("job worker \(id): \(error)")
            }
            stop.wait(settings.idlePoll)
        }
    }
}

/// Tells workers to stop after their current job, and wakes idle ones at once.
public final class JobWorkerStop: @unchecked Sendable {
    // @unchecked: `stopped` is only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var stopped = false

    public init() {}

    public var isStopped: Bool { condition.withLock { stopped } }

    public func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    func wait(_ seconds: TimeInterval) {
        condition.withLock {
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(seconds)) }
        }
    }
}

/// Calls `beat` every `interval` seconds on a queue of its own until stopped.
final class Heartbeat: @unchecked Sendable {
    // @unchecked: the timer is only touched under `lock`.
    private let lock = NSLock()
    private var timer: (any DispatchSourceTimer)?

    init(every interval: TimeInterval, beat: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "visage.job-heartbeat"))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler(handler: beat)
        timer.resume()
        self.timer = timer
    }

    /// Stops the timer; idempotent.
    func stop() {
        lock.withLock {
            timer?.cancel()
            timer = nil
        }
    }
}
