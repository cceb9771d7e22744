import Foundation
import Testing
import VisageCore
import VisageJobs
import VisageSQLite
import VisageStorage

/// The worker loop over a real store: the heartbeat writes progress while a job runs, and a job
/// taken from its worker (cancelled here) makes the handler stop at its next progress report
/// instead of running to the end.
@Suite struct JobWorkerTests {
    /// Reports progress every 20 ms for up to `steps` steps, recording how far it got.
    final class SlowHandler: JobHandler, @unchecked Sendable {
        // @unchecked: `reached` is only touched under `lock`.
        let kind = JobKind.reindex
        let steps: Int
        private let lock = NSLock()
        private var reached = 0

        init(steps: Int) {
            self.steps = steps
        }

        var stepsDone: Int { lock.withLock { reached } }

        func run(_ context: JobContext) throws -> String {
            for step in 1...steps {
                Thread.sleep(forTimeInterval: 0.02)
                try context.progress(done: step, total: steps)
                lock.withLock { reached = step }
            }
            return #"{"steps":\#(steps)}"#
        }
    }

    static func worker(_ store: any JobStore, _ handler: SlowHandler) -> JobWorker {
        JobWorker(store: store, handlers: JobHandlers([handler]), settings: .init(lease: 5, heartbeat: 0.05))
    }

    @Test func heartbeatsWriteProgressUntilTheJobIsDone() throws {
        let store = SQLiteJobStore(store: try SQLiteFaceStore.inMemory())
        let job = try store.enqueue(NewJob(kind: "reindex", payload: "{}"))
        let handler = SlowHandler(steps: 40)
        let finished = Finished()
        Thread.detachNewThread { finished.set(try? Self.worker(store, handler).runOne()) }
        var seen: [Int] = []
        while finished.value == nil, seen.count < 10_000 {
            if let done = try store.job(job.id)?.progress.done, done > 0, done < 40 { seen.append(done) }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let last = try #require(finished.wait())
        #expect(last.state == .done && last.progress == JobProgress(done: 40, total: 40) && last.result == #"{"steps":40}"#)
        #expect(!seen.isEmpty, "progress was written while the job ran")
    }

    @Test func aCancelledJobStopsItsHandler() throws {
        let store = SQLiteJobStore(store: try SQLiteFaceStore.inMemory())
        let job = try store.enqueue(NewJob(kind: "reindex", payload: "{}"))
        let handler = SlowHandler(steps: 5000)
        let finished = Finished()
        Thread.detachNewThread { finished.set(try? Self.worker(store, handler).runOne()) }
        while try store.job(job.id)?.state != .running { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.2)
        _ = try store.cancel(job.id)
        let last = try #require(finished.wait())
        #expect(last.state == .cancelled && last.attempts == 1)
        // It stopped within a few heartbeats, far from the 5000 steps (100 s) it would have run.
        #expect(handler.stepsDone < 1000, "\(handler.stepsDone) steps")
    }
}

/// The job a worker thread finished with, waited for by the test.
private final class Finished: @unchecked Sendable {
    // @unchecked: `job` and `done` are only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var job: Job?
    private var done = false

    func set(_ value: Job?) {
        condition.withLock {
            job = value
            done = true
            condition.broadcast()
        }
    }

    var value: Job? { condition.withLock { done ? job : nil } }

    func wait() -> Job? {
        condition.withLock {
            if !done { _ = condition.wait(until: Date().addingTimeInterval(300)) }
            return job
        }
    }
}
