import GRDB

/// `v12-jobs`: the job queue and its dead letters, with the CHECKs of PostgreSQL's migration 8
/// (`jobs`). Times are GRDB's text dates (UTC, sortable), so `run_after <= ?` compares in order.
enum JobSchema {
    static func addJobs(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE job (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64 AND kind NOT GLOB '*[^a-z0-9_]*' AND substr(kind, 1, 1) BETWEEN 'a' AND 'z'),
                    payload TEXT NOT NULL CHECK (json_valid(payload)),
                    idempotency_key TEXT UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
                    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'retry', 'done', 'dead', 'cancelled')),
                    attempts INTEGER NOT NULL CHECK (attempts >= 0),
                    max_attempts INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
                    run_after DATETIME NOT NULL,
                    lease_owner TEXT CHECK (length(lease_owner) BETWEEN 1 AND 200),
                    lease_expires_at DATETIME,
                    progress_done INTEGER NOT NULL CHECK (progress_done >= 0),
                    progress_total INTEGER CHECK (progress_total >= 0 AND progress_done <= progress_total),
                    last_error TEXT,
                    result TEXT CHECK (result IS NULL OR json_valid(result)),
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL CHECK (updated_at >= created_at),
                    finished_at DATETIME CHECK (finished_at >= created_at),
                    CHECK (attempts <= max_attempts),
                    CHECK ((state = 'running') = (lease_owner IS NOT NULL)),
                    CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
                    CHECK ((state IN ('done', 'dead', 'cancelled')) = (finished_at IS NOT NULL)),
                    CHECK ((state = 'done') = (result IS NOT NULL)),
                    CHECK (state NOT IN ('retry', 'dead') OR last_error IS NOT NULL))
                """)
        try db.execute(sql: "CREATE INDEX job_due ON job(run_after, id) WHERE state IN ('queued', 'retry', 'running')")
        try db.execute(sql: "CREATE INDEX job_state ON job(state, id)")
        try db.execute(
            sql: """
                CREATE TABLE job_dead_letter (
                    job_id INTEGER PRIMARY KEY REFERENCES job(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL CHECK (json_valid(payload)),
                    attempts INTEGER NOT NULL CHECK (attempts >= 1),
                    last_error TEXT NOT NULL,
                    failed_at DATETIME NOT NULL)
                """)
    }
}
