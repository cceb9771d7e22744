import Dispatch
import VisageCore

/// Runs blocking work (libvips, ONNX Runtime, SQLite) on a dispatch queue and awaits its result,
/// at most `concurrentJobs` at once; later work waits its turn, up to `maxQueued` jobs, past which
/// the server answers 503 `server_busy` rather than queue without bound. Handlers must never block
/// the cooperative pool that serves requests: decoding and inference take tens of milliseconds.
///
/// Inside a request, the work races the request's deadline (`RequestDeadline`).
public struct BlockingExecutor: Sendable {
    private let queue = DispatchQueue(label: "visage.inference", attributes: .concurrent)
    private let limit: WorkLimit
    /// Jobs run at once (`--workers`).
    public let workers: Int
    /// Jobs that may wait for a worker before the server answers 503 (`VISAGE_MAX_QUEUE`).
    public let maxQueued: Int

    public init(concurrentJobs: Int, maxQueued: Int = 128) {
        limit = WorkLimit(limit: concurrentJobs, maxWaiting: maxQueued)
        workers = limit.limit
        self.maxQueued = limit.maxWaiting
    }

    /// Jobs running and waiting now: a glance for a status page, stale as soon as it is read.
    public func load() async -> (running: Int, queued: Int) {
        await limit.load()
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard let deadline = RequestDeadline.current else { return try await runNow(work) }
        return try await RequestDeadline.race(deadline) { try await runNow(work) }
    }

    private func runNow<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await limit.acquire()
        // A job whose request gave up while it waited never starts.
        if Task.isCancelled {
            await limit.release()
            throw CancellationError()
        }
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { try work() }) }
        }
        await limit.release()
        return try result.get()
    }
}
