import Foundation
import VisageCore
import VisageStorage

/// What a running handler sees of its job: the job as claimed, a place to report progress, and
/// whether it still holds the lease. The worker's heartbeat renews the lease on a timer and
/// writes the latest progress with it; when a renewal is refused the job was taken over
/// (claimed again after the lease expired, or cancelled), and the next `progress` call throws
/// `job_lease_lost` so the handler stops.
public final class JobContext: @unchecked Sendable {
    // @unchecked: `latest`, `sent` and `lost` are only touched under `lock`.
    public let job: Job
    let lease: JobLease
    private let store: any JobStore
    private let leaseSeconds: TimeInterval
    private let lock = NSLock()
    private var latest: JobProgress
    private var sent: JobProgress
    private var lost: VisageError?

    init(job: Job, lease: JobLease, store: any JobStore, leaseSeconds: TimeInterval) {
        self.job = job
        self.lease = lease
        self.store = store
        self.leaseSeconds = leaseSeconds
        latest = job.progress
        sent = job.progress
    }

    /// Records how far the job got (written at the next heartbeat); throws `job_lease_lost` once
    /// the job is no longer this worker's.
    public func progress(done: Int, total: Int?) throws {
        try lock.withLock {
            if let lost { throw lost }
            latest = JobProgress(done: done, total: total)
        }
    }

    /// Throws `job_lease_lost` once the job is no longer this worker's.
    public func checkLease() throws {
        if let lost = lock.withLock({ lost }) { throw lost }
    }

    /// Renews the lease with the latest progress. A refusal marks the lease lost; any other
    /// failure (the database briefly away) is left for the next beat, well before expiry.
    func beat() {
        let progress = lock.withLock { latest == sent ? nil : latest }
        do {
            try store.heartbeat(lease, lease: leaseSeconds, progress: progress)
            if let progress { lock.withLock { sent = progress } }
        } catch let error as VisageError where error.errorCode == .jobLeaseLost {
            lock.withLock { lost = error }
        } catch {}
    }

    /// Writes the final progress before the job is completed; throws if the lease was lost.
    func flush() throws {
        try checkLease()
        let progress = lock.withLock { latest == sent ? nil : latest }
        guard let progress else { return }
        try store.heartbeat(lease, lease: leaseSeconds, progress: progress)
        lock.withLock { sent = progress }
    }
}
