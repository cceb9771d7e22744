import Dispatch

/// Runs blocking work (libvips, ONNX Runtime, SQLite) on a dispatch queue and awaits its result,
/// at most `concurrentJobs` at once; later work waits its turn. Handlers must never block the
/// cooperative pool that serves requests: decoding and inference take tens of milliseconds.
public struct BlockingExecutor: Sendable {
    private let queue = DispatchQueue(label: "visage.inference", attributes: .concurrent)
    private let limit: WorkLimit

    public init(concurrentJobs: Int) {
        limit = WorkLimit(limit: concurrentJobs)
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await limit.acquire()
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { try work() }) }
        }
        await limit.release()
        return try result.get()
    }
}
