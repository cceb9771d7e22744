extension PostgresSchema {
    /// Issue 14's collection classifiers, as SQLite's v11: a counter row per collection holding
    /// the last version number given (so numbers are never reused, even after deletes), and the
    /// kept versions beside it. Lists are non-empty one-dimensional arrays without NULLs, the weights
    /// `real[]` so they read back bit for bit; the weights' count against the dimensions' sum is
    /// checked when a row is read (a CHECK can't sum an array).
    static let classifiers = [
        """
        CREATE TABLE classifier_collection (
            collection_id bigint PRIMARY KEY CHECK (collection_id >= 0),
            last_version integer NOT NULL CHECK (last_version >= 1))
        """,
        """
        CREATE TABLE classifier_version (
            collection_id bigint NOT NULL REFERENCES classifier_collection(collection_id) ON DELETE CASCADE,
            version integer NOT NULL CHECK (version >= 1),
            embedding_types text[] NOT NULL
                CHECK (
                array_ndims(embedding_types) = 1 AND cardinality(embedding_types) >= 1 AND array_position(embedding_types, NULL) IS NULL),
            dimensions integer[] NOT NULL CHECK (
                array_ndims(dimensions) = 1 AND cardinality(dimensions) = cardinality(embedding_types)
                AND array_position(dimensions, NULL) IS NULL),
            weights real[] NOT NULL
                CHECK (array_ndims(weights) = 1 AND cardinality(weights) >= 1 AND array_position(weights, NULL) IS NULL),
            bias double precision NOT NULL,
            threshold double precision NOT NULL CHECK (threshold BETWEEN 0 AND 1),
            regularization double precision NOT NULL CHECK (regularization > 0),
            held_out_fraction double precision NOT NULL CHECK (held_out_fraction > 0 AND held_out_fraction < 1),
            seed bigint NOT NULL,
            training_positives integer NOT NULL CHECK (training_positives >= 0),
            training_negatives integer NOT NULL CHECK (training_negatives >= 0),
            true_positives integer NOT NULL CHECK (true_positives >= 0),
            false_positives integer NOT NULL CHECK (false_positives >= 0),
            true_negatives integer NOT NULL CHECK (true_negatives >= 0),
            false_negatives integer NOT NULL CHECK (false_negatives >= 0),
            macro_precision double precision NOT NULL CHECK (macro_precision BETWEEN 0 AND 1),
            created_at timestamptz NOT NULL,
            PRIMARY KEY (collection_id, version),
            CHECK (true_positives + false_negatives >= 1 AND true_negatives + false_positives >= 1))
        """,
    ]
}
