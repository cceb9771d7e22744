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
    ]

    /// Applies the missing migrations, each in its own transaction, under an advisory lock so
    /// that processes starting together migrate once. Refuses a database migrated by a newer
    /// Visage (it would not know its tables).
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
}
