import Foundation
import PostgresNIO
import VisageCore

/// The PostgreSQL schema, one migration per released change, recorded in `schema_migrations`.
/// Never edit a migration once it has shipped: append a new one. The CHECKs mirror VisageSQLite's
/// `StoreSchema`, so both backends refuse the same impossible rows.
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "api-keys-and-sessions", statements: keysAndSessions),
        Migration(version: 2, name: "face-collections", statements: faceCollections),
        Migration(version: 3, name: "image-embeddings", statements: imageEmbeddings),
        Migration(version: 4, name: "reference-faces", statements: referenceFaces),
        Migration(version: 5, name: "media-routing", statements: mediaRouting),
        Migration(version: 6, name: "people", statements: people),
        Migration(version: 7, name: "classifiers", statements: classifiers),
        Migration(version: 8, name: "jobs", statements: PostgresJobSchema.statements),
        Migration(version: 9, name: "routing-owners", statements: routingOwners),
    ]

    /// Applies the missing migrations in version order, each in its own transaction, under an
    /// advisory lock so that processes starting together migrate once. Versions may have gaps
    /// (numbers are given out to parallel work ahead of time); one missing below the newest
    /// applied is applied too. Refuses a database migrated by a newer Visage (it would not know
    /// its tables).
    static func migrate(_ database: PostgresDatabase) throws {
        try database.withSession { session in
            try session.execute("SELECT pg_advisory_lock(\(lockKey))")
            defer { _ = try? session.execute("SELECT pg_advisory_unlock(\(lockKey))") }
            try session.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY CHECK (version > 0),
                    name text NOT NULL CHECK (length(name) > 0),
                    applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try session.fetch("SELECT version FROM schema_migrations", as: (Int32).self).map(Int.init))
            if let newest = applied.max(), newest > migrations.last!.version {
                throw VisageError(
                    .storeOpenFailed,
                    "the PostgreSQL database is at schema version \(newest), newer than this Visage knows (\(migrations.last!.version))")
            }
            for migration in migrations where !applied.contains(migration.version) {
                try session.execute("BEGIN")
                do {
                    for statement in migration.statements { try session.execute(PostgresQuery(unsafeSQL: statement)) }
                    try session.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))")
                    try session.execute("COMMIT")
                } catch {
                    _ = try? session.execute("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// The advisory lock that serialises migrations (an arbitrary constant: "visage" in ASCII).
    private static let lockKey: Int64 = 0x7669_7361_6765

    /// API keys and web UI sessions, as SQLite's v4 and v7: hashes only (64 lower-case hex
    /// digits), scopes space-separated, no revocation or use before creation, a session expiring
    /// after it starts and going with its key.
    private static let keysAndSessions = [
        """
        CREATE TABLE api_key (
            id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            scopes text NOT NULL CHECK (length(trim(scopes)) > 0),
            key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
            created_at timestamptz NOT NULL,
            last_used_at timestamptz CHECK (last_used_at >= created_at),
            revoked_at timestamptz CHECK (revoked_at >= created_at))
        """,
        """
        CREATE TABLE ui_session (
            id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
            key_id text NOT NULL REFERENCES api_key(id) ON DELETE CASCADE,
            token_hash text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            CHECK (expires_at > created_at))
        """,
        "CREATE INDEX ui_session_key ON ui_session(key_id)",
        "CREATE INDEX ui_session_expiry ON ui_session(expires_at)",
    ]

    /// Seed 002's face database, as SQLite's v3, with the embedding in pgvector. The column is
    /// `vector` without a fixed size (models differ), so `dimensions` records each row's, and
    /// HNSW indexes are partial per dimension over `embedding::vector(n)`, made when a dimension
    /// first arrives (`PostgresVectorIndexes.ensure`). `collection` is repeated on the face
    /// so that a search filters one table, which an index scan can do as it goes.
    private static let faceCollections = [
        "CREATE EXTENSION IF NOT EXISTS vector",
        """
        CREATE TABLE collection_image (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            collection text NOT NULL CHECK (collection ~ '^[A-Za-z0-9_.-]{1,100}$'),
            image_id text NOT NULL CHECK (length(image_id) > 0),
            file text NOT NULL,
            width integer NOT NULL CHECK (width >= 0),
            height integer NOT NULL CHECK (height >= 0),
            added_at timestamptz NOT NULL,
            UNIQUE (collection, image_id),
            UNIQUE (id, collection))
        """,
        """
        CREATE TABLE collection_face (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            image_row_id bigint NOT NULL,
            collection text NOT NULL,
            box_x double precision NOT NULL,
            box_y double precision NOT NULL,
            box_width double precision NOT NULL,
            box_height double precision NOT NULL,
            confidence double precision NOT NULL,
            embedding vector NOT NULL,
            dimensions integer NOT NULL CHECK (dimensions > 0 AND dimensions = vector_dims(embedding)),
            embedding_model text NOT NULL CHECK (length(embedding_model) > 0),
            FOREIGN KEY (image_row_id, collection) REFERENCES collection_image(id, collection) ON DELETE CASCADE)
        """,
        "CREATE INDEX collection_face_image ON collection_face(image_row_id)",
        "CREATE INDEX collection_face_scope ON collection_face(collection, embedding_model, dimensions)",
    ]

    /// Seed 000's image embeddings, as SQLite's v10: one per image and model, in an unsized
    /// `vector` with its `dimensions` (HNSW indexes per dimension, as for collection faces).
    private static let imageEmbeddings = [
        """
        CREATE TABLE image_embedding (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            image_id text NOT NULL CHECK (length(image_id) BETWEEN 1 AND 1024),
            model text NOT NULL CHECK (length(model) > 0),
            image_path text,
            embedding vector NOT NULL,
            dimensions integer NOT NULL CHECK (dimensions > 0 AND dimensions = vector_dims(embedding)),
            encoded_at timestamptz NOT NULL,
            UNIQUE (image_id, model))
        """,
        "CREATE INDEX image_embedding_scope ON image_embedding(model, dimensions)",
    ]

    /// Seed 003's reference faces and its audit trail, as SQLite's v5: the embedding in an
    /// unsized `vector` with its `dimensions` (references are matched in the process, so no HNSW
    /// index), a box whole or absent, an update never before creation.
    private static let referenceFaces = [
        """
        CREATE TABLE reference_face (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            person_name text NOT NULL CHECK (length(person_name) BETWEEN 1 AND 200 AND person_name = trim(person_name)),
            embedding vector NOT NULL,
            dimensions integer NOT NULL CHECK (dimensions > 0 AND dimensions = vector_dims(embedding)),
            embedding_model text NOT NULL CHECK (length(embedding_model) > 0),
            reference_image_path text,
            box_x double precision,
            box_y double precision,
            box_width double precision,
            box_height double precision,
            source_face_id bigint,
            quality double precision CHECK (quality IS NULL OR quality BETWEEN 0 AND 1),
            is_active boolean NOT NULL DEFAULT true,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            CHECK ((box_x IS NULL) = (box_y IS NULL) AND (box_x IS NULL) = (box_width IS NULL)
                   AND (box_x IS NULL) = (box_height IS NULL)),
            CHECK (updated_at >= created_at))
        """,
        "CREATE INDEX reference_face_person ON reference_face(person_name, is_active)",
        """
        CREATE TABLE media_audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            action text NOT NULL CHECK (length(action) > 0),
            actor text,
            detail text)
        """,
    ]

    /// Seed 003's routing, as SQLite's v6: settings as JSON text per key, the move journal
    /// written before each file moves (`planned` exactly while it has no `finished_at`), and the
    /// routed files by content hash (SHA-256, lower-case hex). JSON stays text (`IS JSON`) so it
    /// reads back byte for byte as written.
    private static let mediaRouting = [
        """
        CREATE TABLE routing_setting (
            key text PRIMARY KEY CHECK (length(key) > 0),
            value text NOT NULL CHECK (value IS JSON),
            updated_at timestamptz NOT NULL)
        """,
        """
        CREATE TABLE file_move (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text NOT NULL CHECK (length(source) > 0),
            destination text NOT NULL CHECK (length(destination) > 0 AND destination <> source),
            content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
            size bigint NOT NULL CHECK (size >= 0),
            state text NOT NULL CHECK (state IN ('planned', 'done', 'rolled_back')),
            reason text NOT NULL CHECK (length(reason) > 0),
            routed text CHECK (routed IS NULL OR routed IS JSON),
            created_at timestamptz NOT NULL,
            finished_at timestamptz CHECK (finished_at >= created_at),
            CHECK ((state = 'planned') = (finished_at IS NULL)))
        """,
        // Recovery reads only the unfinished moves, a handful beside the whole history.
        "CREATE INDEX file_move_planned ON file_move(id) WHERE state = 'planned'",
        """
        CREATE TABLE routed_file (
            content_hash text PRIMARY KEY CHECK (content_hash ~ '^[0-9a-f]{64}$'),
            original_path text NOT NULL,
            routed_to text NOT NULL,
            has_match boolean NOT NULL,
            person_name text,
            routed_at timestamptz NOT NULL)
        """,
    ]

    /// Issue 15's move ownership, as SQLite's v13: each routing process's lease (the server's
    /// clock decides whether it lapsed), the owner of each move, and at most one planned move
    /// per source. The unique index covers only moves with an owner (every move from now on), so
    /// it builds on any existing journal untouched; the ownerless moves from before are
    /// recovered at the next start.
    private static let routingOwners = [
        """
        CREATE TABLE routing_owner (
            id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
            machine text CHECK (machine IS NULL OR length(machine) BETWEEN 1 AND 200),
            pid integer NOT NULL,
            started_at timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            CHECK (expires_at > heartbeat_at))
        """,
        "ALTER TABLE file_move ADD COLUMN owner text CHECK (owner IS NULL OR length(owner) BETWEEN 1 AND 64)",
        "CREATE UNIQUE INDEX file_move_planned_source ON file_move(source) WHERE state = 'planned' AND owner IS NOT NULL",
    ]
}
