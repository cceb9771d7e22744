import Hummingbird
import Synchronization
import VisageCore

/// `REQUEST_TIMEOUT` for every request: the moment by which the client gets an answer, whatever
/// the work is doing.
///
/// `DeadlineMiddleware` sets it when a request arrives; `BlockingExecutor` and the extraction
/// route race their work against it. Work on the blocking queue (a decode, an inference) can't be
/// interrupted, so at the deadline the client gets 408 `request_timeout` at once, the work is
/// cancelled where it can be (a job still waiting for a worker never starts) and otherwise
/// finishes in the background with its result dropped.
enum RequestDeadline {
    @TaskLocal static var current: Deadline?

    struct Deadline: Sendable {
        let instant: ContinuousClock.Instant
        /// The configured timeout, for the error message.
        let seconds: Double
    }

    /// `work`'s result, or `request_timeout` at `deadline`, whichever comes first. `work` runs in
    /// a task of its own, so returning never waits for it.
    static func race<T: Sendable>(_ deadline: Deadline, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                let pending = Mutex<CheckedContinuation<T, Error>?>(continuation)
                let finish: @Sendable (Result<T, Error>) -> Void = { result in
                    pending.withLock { waiting in
                        waiting?.resume(with: result)
                        waiting = nil
                    }
                }
                let timer = Task {
                    guard (try? await Task.sleep(until: deadline.instant, clock: .continuous)) != nil else { return }
                    finish(
                        .failure(
                            VisageError(
                                .requestTimeout,
                                "the request took longer than REQUEST_TIMEOUT (\(deadline.seconds) s)")))
                    task.cancel()
                }
                Task {
                    let result = await task.result
                    timer.cancel()
                    finish(result)
                }
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// Starts each request's `REQUEST_TIMEOUT` clock.
struct DeadlineMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext
    let seconds: Double

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let deadline = RequestDeadline.Deadline(instant: .now + .milliseconds(Int64(seconds * 1000)), seconds: seconds)
        return try await RequestDeadline.$current.withValue(deadline) { try await next(request, context) }
    }
}
