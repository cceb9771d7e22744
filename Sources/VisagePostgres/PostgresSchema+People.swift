extension PostgresSchema {
    /// Recognition's people, as SQLite's v1, v2, v8 and v9 together: images, their faces, the
    /// clusters faces are grouped into, the user's decisions and the audit log. The embedding is an
    /// unsized `vector` with its `dimensions` (HNSW per dimension, made when a dimension first
    /// arrives, as for collection faces), the centroid a `real[]` (only ever read whole). JSON
    /// columns are text under `IS JSON`. A cluster id is `cluster_` and 12 hex digits; a
    /// constraint names exactly one target.
    static let people = [
        """
        CREATE TABLE image (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            image_id text NOT NULL UNIQUE CHECK (length(image_id) > 0),
            path text NOT NULL,
            width integer NOT NULL CHECK (width >= 0),
            height integer NOT NULL CHECK (height >= 0),
            orientation integer NOT NULL,
            content_hash text,
            analyzed_at timestamptz NOT NULL)
        """,
        """
        CREATE TABLE cluster (
            id text PRIMARY KEY CHECK (id ~ '^cluster_[0-9a-f]{12}$'),
            name text CHECK (name IS NULL OR (length(name) > 0 AND name = trim(name))),
            embedding_model text NOT NULL CHECK (length(embedding_model) > 0),
            centroid real[],
            face_count integer NOT NULL DEFAULT 0 CHECK (face_count >= 0),
            pinned boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            CHECK (name IS NULL OR pinned))
        """,
        "CREATE INDEX cluster_name ON cluster(name)",
        """
        CREATE TABLE face (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            image_row_id bigint NOT NULL REFERENCES image(id) ON DELETE CASCADE,
            box_x double precision NOT NULL,
            box_y double precision NOT NULL,
            box_width double precision NOT NULL,
            box_height double precision NOT NULL,
            landmarks text CHECK (landmarks IS JSON),
            yaw double precision,
            pitch double precision,
            roll double precision,
            age integer,
            gender text CHECK (gender IN ('M', 'F')),
            confidence double precision NOT NULL,
            quality double precision,
            embedding vector NOT NULL,
            dimensions integer NOT NULL CHECK (dimensions > 0 AND dimensions = vector_dims(embedding)),
            embedding_model text NOT NULL CHECK (length(embedding_model) > 0),
            cluster_id text REFERENCES cluster(id) ON DELETE SET NULL,
            label_name text CHECK (label_name IS NULL OR (length(label_name) > 0 AND label_name = trim(label_name))),
            label_source text CHECK (label_source IN ('xmp', 'user')),
            created_at timestamptz NOT NULL,
            CHECK ((label_name IS NULL) = (label_source IS NULL)))
        """,
        "CREATE INDEX face_image ON face(image_row_id)",
        "CREATE INDEX face_model ON face(embedding_model, dimensions)",
        "CREATE INDEX face_label ON face(label_name)",
        // A cluster's cover face in one index seek (SQLite's v8).
        "CREATE INDEX face_cover ON face(cluster_id, (quality IS NULL), quality DESC, confidence DESC, id)",
        """
        CREATE TABLE face_constraint (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('cannot_link', 'must_link')),
            face_id bigint NOT NULL REFERENCES face(id) ON DELETE CASCADE,
            other_face_id bigint REFERENCES face(id) ON DELETE CASCADE CHECK (other_face_id <> face_id),
            cluster_id text REFERENCES cluster(id) ON DELETE CASCADE,
            person_name text CHECK (person_name IS NULL OR length(person_name) > 0),
            created_at timestamptz NOT NULL,
            CHECK (num_nonnulls(other_face_id, cluster_id, person_name) = 1))
        """,
        "CREATE INDEX face_constraint_face ON face_constraint(face_id)",
        "CREATE INDEX face_constraint_other ON face_constraint(other_face_id)",
        "CREATE INDEX face_constraint_cluster ON face_constraint(cluster_id)",
        "CREATE INDEX face_constraint_person ON face_constraint(person_name)",
        """
        CREATE TABLE audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            action text NOT NULL CHECK (length(action) > 0),
            detail text CHECK (detail IS JSON))
        """,
    ]
}
