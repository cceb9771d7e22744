import Foundation
import Testing
import VisageCore
import VisageStorage

/// The job queue's contract on every backend: idempotent enqueue, claims oldest first, a lease
/// that expires and is claimed again, a heartbeat refused once the lease is lost, retries with
/// backoff and then the dead letters, cancelling.
@Suite struct JobStoreTests {
    static func new(_ n: Int, key: String? = nil, maxAttempts: Int = 5) -> NewJob {
        NewJob(kind: "reindex", payload: #"{"n":\#(n)}"#, idempotencyKey: key, maxAttempts: maxAttempts)
    }

    static func code(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? VisageError)?.code ?? "\(error)"
        }
    }

    @Test(arguments: StoreBackend.all) func enqueueingAKeyAgainReturnsTheSameJob(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let jobs = try database.jobs()
        let first = try jobs.enqueue(Self.new(1, key: "folder-a"))
        #expect(first.state == .queued && first.attempts == 0 && first.progress == JobProgress())
        let again = try jobs.enqueue(Self.new(2, key: "folder-a"))
        #expect(again.id == first.id && again.payload == first.payload)
        let other = try jobs.enqueue(Self.new(3, key: "folder-b"))
        let unkeyed = try [jobs.enqueue(Self.new(4)), jobs.enqueue(Self.new(4))]
        #expect(Set([first.id, other.id] + unkeyed.map(\.id)).count == 4)
        #expect(try database.jobs().jobs(state: nil, limit: 10).map(\.id) == [unkeyed[1].id, unkeyed[0].id, other.id, first.id])
        #expect(try jobs.jobs(state: .queued, limit: 2).count == 2)
        #expect(try jobs.job(first.id) == first)
        #expect(try jobs.job(999_999) == nil)
    }

    @Test(arguments: StoreBackend.all) func claimsTakeTheOldestDueJobOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let jobs = try database.jobs()
        #expect(try jobs.claim(worker: "w1", lease: 60) == nil)
        let queued = try (1...3).map { try jobs.enqueue(Self.new($0)) }
        let claimed = try (1...3).compactMap { try jobs.claim(worker: "w\($0)", lease: 60) }
        #expect(claimed.map(\.id) == queued.map(\.id))
        #expect(claimed.allSatisfy { $0.state == .running && $0.attempts == 1 && $0.leaseExpiresAt != nil })
        #expect(claimed.map(\.leaseOwner) == ["w1", "w2", "w3"])
        #expect(try jobs.claim(worker: "w4", lease: 60) == nil)
        let lease = try #require(claimed[0].lease)
        let beat = try jobs.heartbeat(lease, lease: 60, progress: JobProgress(done: 2, total: 5))
        #expect(beat.progress == JobProgress(done: 2, total: 5) && beat.leaseExpiresAt! >= claimed[0].leaseExpiresAt!)
        let done = try jobs.complete(lease, result: #"{"files":5}"#)
        #expect(done.state == .done && done.result == #"{"files":5}"# && done.leaseOwner == nil && done.finishedAt != nil)
        #expect(Self.code { try jobs.complete(lease, result: "{}") } == "job_lease_lost")
    }

    @Test(arguments: StoreBackend.all) func anExpiredLeaseIsClaimedAgainAndTheFormerHolderRefused(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let jobs = try database.jobs()
        let job = try jobs.enqueue(Self.new(1))
        let first = try #require(try jobs.claim(worker: "w1", lease: 0.2))
        #expect(try jobs.claim(worker: "w2", lease: 60) == nil)
        Thread.sleep(forTimeInterval: 0.5)
        let second = try #require(try jobs.claim(worker: "w2", lease: 60))
        #expect(second.id == job.id && second.attempts == 2 && second.leaseOwner == "w2")
        // The first worker lost it: every call under its lease is refused, and changes nothing.
        let stale = try #require(first.lease)
        #expect(Self.code { try jobs.heartbeat(stale, lease: 60, progress: JobProgress(done: 1, total: 1)) } == "job_lease_lost")
        #expect(Self.code { try jobs.fail(stale, error: "x", backoff: .standard) } == "job_lease_lost")
        #expect(Self.code { try jobs.complete(stale, result: "{}") } == "job_lease_lost")
        // The same worker claiming again is a new attempt: its old lease stays lost.
        let current = try #require(second.lease)
        #expect(try jobs.heartbeat(current, lease: 60, progress: nil).progress == JobProgress())
        #expect(try jobs.job(job.id)?.leaseOwner == "w2")
    }

    @Test(arguments: StoreBackend.all) func failuresBackOffThenGoToTheDeadLetters(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let jobs = try database.jobs()
        let job = try jobs.enqueue(Self.new(1, maxAttempts: 3))
        // A long backoff: the retry is not due, so nothing is claimed.
        let first = try #require(try jobs.claim(worker: "w", lease: 60)?.lease)
        let retry = try jobs.fail(first, error: "disk full", backoff: JobBackoff(base: 3600, cap: 7200))
        #expect(retry.state == .retry && retry.lastError == "disk full" && retry.leaseOwner == nil)
        #expect(retry.runAfter.timeIntervalSince(retry.updatedAt) > 3500)
        #expect(try jobs.claim(worker: "w", lease: 60) == nil)
        #expect(try jobs.deadLetters(limit: 10).isEmpty)

        let other = try jobs.enqueue(Self.new(2, maxAttempts: 2))
        let noWait = JobBackoff(base: 0, cap: 0)
        for attempt in 1...2 {
            let claimed = try #require(try jobs.claim(worker: "w", lease: 60))
            #expect(claimed.id == other.id && claimed.attempts == attempt)
            let failed = try jobs.fail(try #require(claimed.lease), error: "bad \(attempt)", backoff: noWait)
            #expect(failed.state == (attempt == 2 ? .dead : .retry))
        }
        #expect(try jobs.claim(worker: "w", lease: 60) == nil)
        let dead = try jobs.deadLetters(limit: 10)
        #expect(dead.map(\.jobID) == [other.id] && dead.first?.lastError == "bad 2" && dead.first?.attempts == 2)
        #expect(try jobs.job(other.id)?.finishedAt != nil && jobs.jobs(state: .dead, limit: 10).map(\.id) == [other.id])
        #expect(try jobs.job(job.id)?.state == .retry)
    }

    @Test(arguments: StoreBackend.all) func aLeaseExpiredOnTheLastAttemptIsDead(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let jobs = try database.jobs()
        let job = try jobs.enqueue(Self.new(1, maxAttempts: 1))
        _ = try #require(try jobs.claim(worker: "crashed", lease: 0.1))
        Thread.sleep(forTimeInterval: 0.4)
        #expect(try jobs.claim(worker: "w", lease: 60) == nil)
        #expect(try jobs.job(job.id)?.state == .dead)
        #expect(try jobs.deadLetters(limit: 10).map(\.jobID) == [job.id])
    }

    @Test(arguments: StoreBackend.all) func cancellingStopsQueuedAndRunningJobsOnly(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let jobs = try database.jobs()
        let queued = try jobs.enqueue(Self.new(1))
        let running = try jobs.enqueue(Self.new(2))
        #expect(try jobs.cancel(queued.id).state == .cancelled)
        let claimed = try #require(try jobs.claim(worker: "w", lease: 60))
        #expect(claimed.id == running.id)
        #expect(try jobs.cancel(running.id).leaseOwner == nil)
        // Its worker learns at the next heartbeat.
        #expect(Self.code { try jobs.heartbeat(claimed.lease!, lease: 60, progress: nil) } == "job_lease_lost")
        #expect(Self.code { try jobs.cancel(queued.id) } == "job_not_cancellable")
        #expect(Self.code { try jobs.cancel(424_242) } == "job_not_found")
        #expect(try jobs.claim(worker: "w", lease: 60) == nil)
    }
}
