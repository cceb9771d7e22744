import Metrics
import VisageCore

/// At most `limit` blocking jobs at once; later callers wait their turn, first come first served,
/// at most `maxWaiting` of them. Without it every concurrent request would hold a decoded image
/// and a thread of its own, and memory under load would grow with the number of clients instead
/// of the number of cores. A caller whose task is cancelled while it waits leaves the line.
actor WorkLimit {
    let limit: Int
    let maxWaiting: Int
    private var running = 0 {
        didSet { runningGauge.record(running) }
    }
    private var waiting: [(id: Int, continuation: CheckedContinuation<Void, Error>)] = [] {
        didSet { waitingGauge.record(waiting.count) }
    }
    private let runningGauge = Gauge(label: "visage_work_running")
    private let waitingGauge = Gauge(label: "visage_work_waiting")
    private var nextID = 0

    init(limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Takes a slot, waiting for one if all are busy. Throws `server_busy` when `maxWaiting`
    /// callers already wait, and `CancellationError` when the caller is cancelled while waiting.
    func acquire() async throws {
        if running < limit {
            running += 1
            return
        }
        guard waiting.count < maxWaiting else {
            throw VisageError(.serverBusy, "all \(limit) workers are busy and \(maxWaiting) requests are waiting; retry later")
        }
        try Task.checkCancellation()
        nextID += 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.append((id, continuation))
            }
        } onCancel: {
            Task { await self.leave(id) }
        }
    }

    /// Jobs holding a slot and jobs waiting for one.
    func load() -> (running: Int, queued: Int) {
        (running, waiting.count)
    }

    /// Hands the slot straight to the next waiter, if any.
    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().continuation.resume()
        }
    }

    /// A cancelled waiter leaves the line; one that already got its slot keeps it (it releases
    /// it after seeing the cancellation).
    private func leave(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
