import Foundation
import GRDB
import VisageCore
import VisageStorage

/// The job queue in the store's SQLite file. A claim is one write transaction (SQLite has one
/// writer at a time, so two claims can't pick the same row); times are this machine's clock,
/// which every process on one file shares.
public final class SQLiteJobStore: JobStore {
    private let store: SQLiteFaceStore

    public init(store: SQLiteFaceStore) {
        self.store = store
    }

    public func enqueue(_ job: NewJob) throws -> Job {
        try store.writeDatabase { db in
            if let key = job.idempotencyKey, let existing = try Self.fetch(db, where: "idempotency_key = ?", [key]) {
                return existing
            }
            let now = Date()
            try db.execute(
                sql: """
                    INSERT INTO job (kind, payload, idempotency_key, state, attempts, max_attempts, run_after, progress_done,
                        created_at, updated_at)
                    VALUES (?, ?, ?, 'queued', 0, ?, ?, 0, ?, ?)
                    """, arguments: [job.kind, job.payload, job.idempotencyKey, job.maxAttempts, now, now, now])
            return try Self.require(db, db.lastInsertedRowID)
        }
    }

    public func claim(worker: String, lease: TimeInterval) throws -> Job? {
        try store.writeDatabase { db in
            let now = Date()
            try Self.buryExpiredLastAttempts(db, now: now)
            guard
                let id = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM job
                        WHERE (state IN ('queued', 'retry') AND run_after <= ?1) OR (state = 'running' AND lease_expires_at < ?1)
                        ORDER BY run_after, id LIMIT 1
                        """, arguments: [now])
            else { return nil }
            try db.execute(
                sql: """
                    UPDATE job SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [worker, now.addingTimeInterval(lease), now, id])
            return try Self.require(db, id)
        }
    }

    /// A job whose lease expired on its last attempt is dead, as on PostgreSQL.
    private static func buryExpiredLastAttempts(_ db: Database, now: Date) throws {
        let expired = try Row.fetchAll(
            db, sql: "SELECT * FROM job WHERE state = 'running' AND lease_expires_at < ? AND attempts >= max_attempts",
            arguments: [now]
        ).map(job(from:))
        for job in expired {
            let error = (job.lastError.map { $0 + "; " } ?? "") + "the lease expired on the last attempt"
            try db.execute(
                sql: """
                    UPDATE job SET state = 'dead', last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
                        finished_at = ?
                    WHERE id = ?
                    """, arguments: [error, now, now, job.id])
            try db.execute(
                sql: "INSERT INTO job_dead_letter (job_id, kind, payload, attempts, last_error, failed_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [job.id, job.kind, job.payload, job.attempts, error, now])
        }
    }

    public func heartbeat(_ lease: JobLease, lease seconds: TimeInterval, progress: JobProgress?) throws -> Job {
        try held(lease) { db, now in
            try db.execute(
                sql: "UPDATE job SET lease_expires_at = ?, updated_at = ? WHERE id = ?",
                arguments: [now.addingTimeInterval(seconds), now, lease.jobID])
            if let progress {
                try db.execute(
                    sql: "UPDATE job SET progress_done = ?, progress_total = ? WHERE id = ?",
                    arguments: [progress.done, progress.total, lease.jobID])
            }
        }
    }

    public func complete(_ lease: JobLease, result: String) throws -> Job {
        try held(lease) { db, now in
            try db.execute(
                sql: """
                    UPDATE job SET state = 'done', result = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, finished_at = ?
                    WHERE id = ?
                    """, arguments: [result, now, now, lease.jobID])
        }
    }

    public func fail(_ lease: JobLease, error: String, backoff: JobBackoff) throws -> Job {
        try held(lease) { db, now in
            let last = try Self.require(db, lease.jobID)
            let dead = last.attempts >= last.maxAttempts
            try db.execute(
                sql: """
                    UPDATE job SET state = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
                        run_after = ?, finished_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    dead ? "dead" : "retry", error, now, now.addingTimeInterval(backoff.delay(afterAttempt: lease.attempt)),
                    dead ? now : nil, lease.jobID,
                ])
            if dead {
                try db.execute(
                    sql: """
                        INSERT INTO job_dead_letter (job_id, kind, payload, attempts, last_error, failed_at) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [last.id, last.kind, last.payload, last.attempts, error, now])
            }
        }
    }

    public func cancel(_ id: Int64) throws -> Job {
        try store.writeDatabase { db in
            guard let job = try Self.fetch(db, where: "id = ?", [id]) else { throw JobStoreErrors.notFound(id) }
            guard !job.state.isFinal else { throw JobStoreErrors.notCancellable(job) }
            let now = Date()
            try db.execute(
                sql: """
                    UPDATE job SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, finished_at = ?
                    WHERE id = ?
                    """, arguments: [now, now, id])
            return try Self.require(db, id)
        }
    }

    public func job(_ id: Int64) throws -> Job? {
        try store.readDatabase { db in try Self.fetch(db, where: "id = ?", [id]) }
    }

    public func jobs(state: Job.State?, limit: Int) throws -> [Job] {
        try store.readDatabase { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM job WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2",
                arguments: [state?.rawValue, max(0, limit)]
            ).map(Self.job(from:))
        }
    }

    public func deadLetters(limit: Int) throws -> [DeadLetter] {
        try store.readDatabase { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_dead_letter ORDER BY failed_at DESC, job_id DESC LIMIT ?", arguments: [max(0, limit)])
                .map { row in
                    DeadLetter(
                        jobID: row["job_id"], kind: row["kind"], payload: row["payload"], attempts: row["attempts"],
                        lastError: row["last_error"], failedAt: row["failed_at"])
                }
        }
    }

    /// Runs a lease holder's change in one transaction, after checking that the job still runs
    /// under `lease`; `job_lease_lost` otherwise.
    private func held(_ lease: JobLease, _ change: (Database, Date) throws -> Void) throws -> Job {
        try store.writeDatabase { db in
            let holds = try Self.fetch(
                db, where: "id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?",
                [lease.jobID, lease.worker, lease.attempt])
            guard holds != nil else { throw JobStoreErrors.leaseLost(lease) }
            try change(db, Date())
            return try Self.require(db, lease.jobID)
        }
    }

    private static func fetch(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Job? {
        try Row.fetchOne(db, sql: "SELECT * FROM job WHERE \(condition)", arguments: arguments).map(job(from:))
    }

    private static func require(_ db: Database, _ id: Int64) throws -> Job {
        guard let job = try fetch(db, where: "id = ?", [id]) else {
            throw VisageError(.storeFailed, "the job queue lost job \(id) inside its own transaction")
        }
        return job
    }

    private static func job(from row: Row) throws -> Job {
        let stateName: String = row["state"]
        guard let state = Job.State(rawValue: stateName) else {
            throw VisageError(.storeCorrupt, "job \(row["id"] as Int64) has the unknown state \(stateName)")
        }
        return Job(
            id: row["id"], kind: row["kind"], payload: row["payload"], idempotencyKey: row["idempotency_key"], state: state,
            attempts: row["attempts"], maxAttempts: row["max_attempts"], runAfter: row["run_after"], leaseOwner: row["lease_owner"],
            leaseExpiresAt: row["lease_expires_at"], progress: JobProgress(done: row["progress_done"], total: row["progress_total"]),
            lastError: row["last_error"], result: row["result"], createdAt: row["created_at"], updatedAt: row["updated_at"],
            finishedAt: row["finished_at"])
    }
}
