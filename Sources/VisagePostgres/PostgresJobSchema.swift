/// Migration 8, `jobs`: the job queue and its dead letters, as SQLite's `v12-jobs`. The CHECKs
/// say what a job can be: a lease exactly while running, attempts within the maximum, progress
/// within its total, a finish time exactly when finished.
enum PostgresJobSchema {
    static let statements = [
        """
        CREATE TABLE job (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
            payload text NOT NULL CHECK (payload IS JSON),
            idempotency_key text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
            state text NOT NULL CHECK (state IN ('queued', 'running', 'retry', 'done', 'dead', 'cancelled')),
            attempts integer NOT NULL CHECK (attempts >= 0),
            max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
            run_after timestamptz NOT NULL,
            lease_owner text CHECK (length(lease_owner) BETWEEN 1 AND 200),
            lease_expires_at timestamptz,
            progress_done bigint NOT NULL CHECK (progress_done >= 0),
            progress_total bigint CHECK (progress_total >= 0 AND progress_done <= progress_total),
            last_error text,
            result text CHECK (result IS JSON),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL CHECK (updated_at >= created_at),
            finished_at timestamptz CHECK (finished_at >= created_at),
            CHECK (attempts <= max_attempts),
            CHECK ((state = 'running') = (lease_owner IS NOT NULL)),
            CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
            CHECK ((state IN ('done', 'dead', 'cancelled')) = (finished_at IS NOT NULL)),
            CHECK ((state = 'done') = (result IS NOT NULL)),
            CHECK (state NOT IN ('retry', 'dead') OR last_error IS NOT NULL))
        """,
        // What a claim scans: the jobs still to run, oldest due first.
        "CREATE INDEX job_due ON job(run_after, id) WHERE state IN ('queued', 'retry', 'running')",
        "CREATE INDEX job_state ON job(state, id)",
        """
        CREATE TABLE job_dead_letter (
            job_id bigint PRIMARY KEY REFERENCES job(id) ON DELETE CASCADE,
            kind text NOT NULL,
            payload text NOT NULL CHECK (payload IS JSON),
            attempts integer NOT NULL CHECK (attempts >= 1),
            last_error text NOT NULL,
            failed_at timestamptz NOT NULL)
        """,
    ]
}
