import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// The job queue in the shared database. A claim is one statement that locks the oldest due row
/// with `FOR UPDATE SKIP LOCKED`, so workers in any number of processes never wait on each other
/// nor take the same job; every time is the server's `now()`, so their clocks need not agree.
/// A lease is renewed, finished or failed only by the statement that finds it still held (state,
/// owner and attempt), so a worker that lost its job learns so and stops.
public final class PostgresJobStore: JobStore {
    let database: PostgresDatabase

    public init(store: PostgresStore) {
        database = store.database
    }

    public func enqueue(_ job: NewJob) throws -> Job {
        try database.transaction { session in
            let inserted = try session.rows(
                """
                INSERT INTO job (kind, payload, idempotency_key, state, attempts, max_attempts, run_after, progress_done,
                    created_at, updated_at)
                VALUES (\(job.kind), \(job.payload), \(job.idempotencyKey), 'queued', 0, \(job.maxAttempts), now(), 0, now(), now())
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING \(unescaped: JobRows.columns)
                """)
            if let created = try JobRows.decode(inserted).first { return created }
            // The key's job: committed before ours tried (a racing insert waits, then lands here).
            let existing = try session.rows(
                "SELECT \(unescaped: JobRows.columns) FROM job WHERE idempotency_key = \(job.idempotencyKey)")
            guard let found = try JobRows.decode(existing).first else {
                throw VisageError(.storeFailed, "the job queue kept neither the new job nor one with its idempotency key")
            }
            return found
        }
    }

    public func claim(worker: String, lease: TimeInterval) throws -> Job? {
        try database.transaction { session in
            try Self.buryExpiredLastAttempts(in: session)
            let rows = try session.rows(
                """
                UPDATE job SET state = 'running', attempts = attempts + 1, lease_owner = \(worker),
                    lease_expires_at = now() + make_interval(secs => \(lease)), updated_at = now()
                WHERE id = (
                    SELECT id FROM job
                    WHERE (state IN ('queued', 'retry') AND run_after <= now())
                        OR (state = 'running' AND lease_expires_at < now())
                    ORDER BY run_after, id
                    FOR UPDATE SKIP LOCKED
                    LIMIT 1)
                RETURNING \(unescaped: JobRows.columns)
                """)
            return try JobRows.decode(rows).first
        }
    }

    /// A job whose lease expired on its last attempt (its worker died or hung each time) is dead:
    /// claiming it again would exceed `max_attempts`.
    private static func buryExpiredLastAttempts(in session: PostgresSession) throws {
        try session.execute(
            """
            WITH buried AS (
                UPDATE job SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                    finished_at = now(), last_error = coalesce(last_error || '; ', '') || 'the lease expired on the last attempt'
                WHERE id IN (
                    SELECT id FROM job WHERE state = 'running' AND lease_expires_at < now() AND attempts >= max_attempts
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, kind, payload, attempts, last_error)
            INSERT INTO job_dead_letter (job_id, kind, payload, attempts, last_error, failed_at)
            SELECT id, kind, payload, attempts, last_error, now() FROM buried
            """)
    }

    public func heartbeat(_ lease: JobLease, lease seconds: TimeInterval, progress: JobProgress?) throws -> Job {
        try held(lease) { session in
            try session.rows(
                """
                UPDATE job SET lease_expires_at = now() + make_interval(secs => \(seconds)), updated_at = now(),
                    progress_done = coalesce(\(progress.map(\.done)), progress_done),
                    progress_total = CASE WHEN \(progress != nil) THEN \(progress?.total) ELSE progress_total END
                WHERE \(unescaped: Self.heldBy) AND id = \(lease.jobID) AND lease_owner = \(lease.worker) AND attempts = \(lease.attempt)
                RETURNING \(unescaped: JobRows.columns)
                """)
        }
    }

    public func complete(_ lease: JobLease, result: String) throws -> Job {
        try held(lease) { session in
            try session.rows(
                """
                UPDATE job SET state = 'done', result = \(result), lease_owner = NULL, lease_expires_at = NULL,
                    updated_at = now(), finished_at = now()
                WHERE \(unescaped: Self.heldBy) AND id = \(lease.jobID) AND lease_owner = \(lease.worker) AND attempts = \(lease.attempt)
                RETURNING \(unescaped: JobRows.columns)
                """)
        }
    }

    public func fail(_ lease: JobLease, error: String, backoff: JobBackoff) throws -> Job {
        let delay = backoff.delay(afterAttempt: lease.attempt)
        return try held(lease) { session in
            let rows = try session.rows(
                """
                UPDATE job SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'retry' END,
                    last_error = \(error), lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                    run_after = now() + make_interval(secs => \(delay)),
                    finished_at = CASE WHEN attempts >= max_attempts THEN now() END
                WHERE \(unescaped: Self.heldBy) AND id = \(lease.jobID) AND lease_owner = \(lease.worker) AND attempts = \(lease.attempt)
                RETURNING \(unescaped: JobRows.columns)
                """)
            if let job = try JobRows.decode(rows).first, job.state == .dead {
                try session.execute(
                    """
                    INSERT INTO job_dead_letter (job_id, kind, payload, attempts, last_error, failed_at)
                    VALUES (\(job.id), \(job.kind), \(job.payload), \(job.attempts), \(error), now())
                    """)
            }
            return rows
        }
    }

    public func cancel(_ id: Int64) throws -> Job {
        try database.transaction { session in
            let rows = try session.rows(
                """
                UPDATE job SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = now(), finished_at = now()
                WHERE id = \(id) AND state IN ('queued', 'retry', 'running')
                RETURNING \(unescaped: JobRows.columns)
                """)
            if let cancelled = try JobRows.decode(rows).first { return cancelled }
            let existing = try JobRows.decode(session.rows("SELECT \(unescaped: JobRows.columns) FROM job WHERE id = \(id)"))
            guard let job = existing.first else { throw JobStoreErrors.notFound(id) }
            throw JobStoreErrors.notCancellable(job)
        }
    }

    public func job(_ id: Int64) throws -> Job? {
        try database.withSession { session in
            try JobRows.decode(session.rows("SELECT \(unescaped: JobRows.columns) FROM job WHERE id = \(id)")).first
        }
    }

    public func jobs(state: Job.State?, limit: Int) throws -> [Job] {
        try database.withSession { session in
            try JobRows.decode(
                session.rows(
                    """
                    SELECT \(unescaped: JobRows.columns) FROM job WHERE \(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)
                    ORDER BY id DESC LIMIT \(max(0, limit))
                    """))
        }
    }

    public func deadLetters(limit: Int) throws -> [DeadLetter] {
        try database.withSession { session in
            try session.fetch(
                """
                SELECT job_id, kind, payload, attempts, last_error, failed_at FROM job_dead_letter
                ORDER BY failed_at DESC, job_id DESC LIMIT \(max(0, limit))
                """, as: (Int64, String, String, Int, String, Date).self
            ).map { DeadLetter(jobID: $0.0, kind: $0.1, payload: $0.2, attempts: $0.3, lastError: $0.4, failedAt: $0.5) }
        }
    }

    /// The condition every lease holder's statement adds: the job still runs under that lease.
    private static let heldBy = "state = 'running'"

    /// Runs a lease holder's statement; `job_lease_lost` when it changed no row.
    private func held(_ lease: JobLease, _ statement: (PostgresSession) throws -> [PostgresRow]) throws -> Job {
        try database.transaction { session in
            guard let job = try JobRows.decode(statement(session)).first else { throw JobStoreErrors.leaseLost(lease) }
            return job
        }
    }
}

/// `job` rows to `Job`s.
enum JobRows {
    static let columns = """
        id, kind, payload, idempotency_key, state, attempts, max_attempts, run_after, lease_owner, lease_expires_at, \
        progress_done, progress_total, last_error, result, created_at, updated_at, finished_at
        """

    static func decode(_ rows: [PostgresRow]) throws -> [Job] {
        try rows.map { row in
            let (
                id, kind, payload, key, state, attempts, maxAttempts, runAfter, owner, expires, done, total, error, result, created,
                updated, finished
            ) = try PostgresSession.decode(
                row,
                as: (
                    Int64, String, String, String?, String, Int, Int, Date, String?, Date?, Int64, Int64?, String?, String?, Date, Date,
                    Date?
                ).self)
            guard let state = Job.State(rawValue: state) else {
                throw VisageError(.storeCorrupt, "job \(id) of the PostgreSQL store has the unknown state \(state)")
            }
            return Job(
                id: id, kind: kind, payload: payload, idempotencyKey: key, state: state, attempts: attempts, maxAttempts: maxAttempts,
                runAfter: runAfter, leaseOwner: owner, leaseExpiresAt: expires,
                progress: JobProgress(done: Int(done), total: total.map(Int.init)), lastError: error, result: result,
                createdAt: created, updatedAt: updated, finishedAt: finished)
        }
    }
}
