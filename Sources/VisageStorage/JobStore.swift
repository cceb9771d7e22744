import Foundation
import VisageCore

/// One unit of bulk work (ingest a folder, route media, reindex) in the job queue.
public struct Job: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for a worker.
        case queued
        /// Claimed by `leaseOwner` until `leaseExpiresAt`; a worker that stops renewing loses it.
        case running
        /// Failed, waiting for `runAfter` to be tried again.
        case retry
        case done
        /// Failed `maxAttempts` times: in `job_dead_letter` with its last error.
        case dead
        case cancelled

        /// Finished for good: nothing claims, renews or cancels it any more.
        public var isFinal: Bool { self == .done || self == .dead || self == .cancelled }
    }

    public var id: Int64
    public var kind: String
    /// The job's parameters as JSON, as its kind defines them.
    public var payload: String
    public var idempotencyKey: String?
    public var state: State
    /// Claims so far; each claim is one attempt, so a lease lost to a crash counts too.
    public var attempts: Int
    public var maxAttempts: Int
    /// Not claimed before this time (a retry's backoff).
    public var runAfter: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var progress: JobProgress
    public var lastError: String?
    /// What the job produced, as JSON (`done` only).
    public var result: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64, kind: String, payload: String, idempotencyKey: String?, state: State, attempts: Int, maxAttempts: Int,
        runAfter: Date, leaseOwner: String?, leaseExpiresAt: Date?, progress: JobProgress, lastError: String?, result: String?,
        createdAt: Date, updatedAt: Date, finishedAt: Date?
    ) {
        (self.id, self.kind, self.payload, self.idempotencyKey, self.state) = (id, kind, payload, idempotencyKey, state)
        (self.attempts, self.maxAttempts, self.runAfter) = (attempts, maxAttempts, runAfter)
        (self.leaseOwner, self.leaseExpiresAt, self.progress) = (leaseOwner, leaseExpiresAt, progress)
        (self.lastError, self.result) = (lastError, result)
        (self.createdAt, self.updatedAt, self.finishedAt) = (createdAt, updatedAt, finishedAt)
    }

    /// The lease this job is held under while `running`: what a worker presents to renew, finish
    /// or fail it.
    public var lease: JobLease? {
        guard state == .running, let leaseOwner else { return nil }
        return JobLease(jobID: id, worker: leaseOwner, attempt: attempts)
    }
}

/// How far a job got: `done` of `total` items (`total` nil until the job knows it).
public struct JobProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int?

    public init(done: Int = 0, total: Int? = nil) {
        self.done = done
        self.total = total
    }
}

/// A claim on a running job: the worker and the attempt it claimed. A later claim of the same
/// job (after the lease expired) is a new attempt, so the earlier holder's calls are refused
/// even when both claims came from one worker.
public struct JobLease: Sendable, Equatable {
    public var jobID: Int64
    public var worker: String
    public var attempt: Int

    public init(jobID: Int64, worker: String, attempt: Int) {
        self.jobID = jobID
        self.worker = worker
        self.attempt = attempt
    }
}

/// A job to add to the queue.
public struct NewJob: Sendable, Equatable {
    public var kind: String
    public var payload: String
    /// Enqueuing a key again returns the job that has it instead of adding one.
    public var idempotencyKey: String?
    public var maxAttempts: Int

    public init(kind: String, payload: String, idempotencyKey: String? = nil, maxAttempts: Int = 5) {
        self.kind = kind
        self.payload = payload
        self.idempotencyKey = idempotencyKey
        self.maxAttempts = maxAttempts
    }
}

/// A job that failed every attempt, as the dead-letter table keeps it.
public struct DeadLetter: Sendable, Equatable {
    public var jobID: Int64
    public var kind: String
    public var payload: String
    public var attempts: Int
    public var lastError: String
    public var failedAt: Date

    public init(jobID: Int64, kind: String, payload: String, attempts: Int, lastError: String, failedAt: Date) {
        (self.jobID, self.kind, self.payload, self.attempts, self.lastError, self.failedAt) =
            (jobID, kind, payload, attempts, lastError, failedAt)
    }
}

/// How long a failed job waits before its next attempt: `base` doubled per attempt so far, at
/// most `cap` (seconds).
public struct JobBackoff: Sendable, Equatable {
    public var base: Double
    public var cap: Double

    public init(base: Double, cap: Double) {
        self.base = max(0, base)
        self.cap = max(0, cap)
    }

    public static let standard = JobBackoff(base: 5, cap: 600)

    /// The wait after the `attempt`th attempt failed (1 for the first).
    public func delay(afterAttempt attempt: Int) -> Double {
        let doublings = Double(min(max(attempt - 1, 0), 30))
        return min(cap, base * pow(2, doublings))
    }
}

/// The job queue. Every call is one transaction, and every rule is kept by the database, so
/// several worker processes may share one queue: a claim takes the oldest due job no other claim
/// holds; a lease is renewed, finished or failed only by its holder.
public protocol JobStore: Sendable {
    /// Adds a `queued` job, or returns the job that already has `idempotencyKey`.
    func enqueue(_ job: NewJob) throws -> Job
    /// The oldest due job (queued, or retry whose `runAfter` has come, or running with an expired
    /// lease), now `running` under a lease of `lease` seconds for `worker`, its attempts counted;
    /// nil when none is due. A running job whose lease expired on its last attempt goes to the
    /// dead letters instead.
    func claim(worker: String, lease: TimeInterval) throws -> Job?
    /// Extends the lease by `lease` seconds from now and records `progress`; `job_lease_lost`
    /// when the lease is not held any more (claimed again, cancelled, finished).
    @discardableResult func heartbeat(_ lease: JobLease, lease seconds: TimeInterval, progress: JobProgress?) throws -> Job
    /// `done`, with `result` (JSON); `job_lease_lost` as `heartbeat`.
    @discardableResult func complete(_ lease: JobLease, result: String) throws -> Job
    /// `retry` after `backoff`'s delay, or `dead` (with a dead letter) after the last attempt;
    /// `job_lease_lost` as `heartbeat`.
    @discardableResult func fail(_ lease: JobLease, error: String, backoff: JobBackoff) throws -> Job
    /// Cancels a job not finished yet (a running one loses its lease, so its worker stops at the
    /// next heartbeat); `job_not_found`, or `job_not_cancellable` for a finished job.
    @discardableResult func cancel(_ id: Int64) throws -> Job
    func job(_ id: Int64) throws -> Job?
    /// The newest jobs first, of one state or all.
    func jobs(state: Job.State?, limit: Int) throws -> [Job]
    /// The newest dead letters first.
    func deadLetters(limit: Int) throws -> [DeadLetter]
}

/// The refusals every backend words the same way.
public enum JobStoreErrors {
    public static func leaseLost(_ lease: JobLease) -> VisageError {
        VisageError(
            .jobLeaseLost,
            "job \(lease.jobID) is no longer held by \(lease.worker) (attempt \(lease.attempt)): it was claimed again, cancelled or finished")
    }

    public static func notFound(_ id: Int64) -> VisageError {
        VisageError(.jobNotFound, "no job has the id \(id)")
    }

    public static func notCancellable(_ job: Job) -> VisageError {
        VisageError(.jobNotCancellable, "job \(job.id) is \(job.state.rawValue) already; only queued, retrying or running jobs can be cancelled")
    }
}
