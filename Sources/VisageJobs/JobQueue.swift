import Foundation
import VisageCore
import VisageStorage

/// The queue as the API and the CLI use it: submit a checked job, read, list, cancel. Workers
/// use the `JobStore` directly (`JobWorker`).
public struct JobQueue: Sendable {
    public let store: any JobStore
    public let rules: JobPayloadRules
    public let maxAttempts: Int

    public init(store: any JobStore, rules: JobPayloadRules = JobPayloadRules(), maxAttempts: Int = 5) {
        self.store = store
        self.rules = rules
        self.maxAttempts = maxAttempts
    }

    /// Checks `payload` against `kind` and enqueues it; with `idempotencyKey`, the job that
    /// already has the key is returned instead of a new one (whatever this payload says).
    public func submit(kind name: String, payload: Data, idempotencyKey: String? = nil) throws -> Job {
        let kind = try JobKind(named: name)
        if let key = idempotencyKey {
            guard (1...200).contains(key.count), !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw VisageError(.invalidRequest, "idempotency_key must be 1 to 200 characters without control characters") }
        }
        let canonical = try kind.canonicalPayload(payload, rules: rules)
        return try store.enqueue(NewJob(kind: kind.rawValue, payload: canonical, idempotencyKey: idempotencyKey, maxAttempts: maxAttempts))
    }

    /// The job; `job_not_found` when there is none.
    public func job(_ id: Int64) throws -> Job {
        guard let job = try store.job(id) else { throw JobStoreErrors.notFound(id) }
        return job
    }

    public func list(state: Job.State?, limit: Int) throws -> [Job] {
        try store.jobs(state: state, limit: limit)
    }

    public func cancel(_ id: Int64) throws -> Job {
        try store.cancel(id)
    }
}
