import VisageStorage

/// Every table of a library that `visage migrate` copies, parents before the rows that point at
/// them, with the columns both backends share. Left out: `ui_session` (web UI sign-ins, short-lived:
/// users sign in again), the job queue (`job`, `job_dead_letter`: work of the process that ran it;
/// queued jobs are submitted again), `routing_owner` (live leases of running processes; copied
/// moves are finished ones, whose owner no longer matters) and SQLite's `vector_generation` (its
/// saved-index bookkeeping; PostgreSQL searches in SQL).
public enum LibraryCatalogue {
    public static let tables: [LibraryTable] = people + collections + references + routing + access

    private static let box: [LibraryColumn] = ["box_x", "box_y", "box_width", "box_height"].map { LibraryColumn($0, .real) }

    static let people: [LibraryTable] = [
        LibraryTable(
            "image", identity: "id",
            [
                .init("id", .integer), .init("image_id", .text), .init("path", .text), .init("width", .integer),
                .init("height", .integer), .init("orientation", .integer), .init("content_hash", .text), .init("analyzed_at", .date),
            ]),
        LibraryTable(
            "cluster",
            [
                .init("id", .text), .init("name", .text), .init("embedding_model", .text), .init("centroid", .floats),
                .init("face_count", .integer), .init("pinned", .boolean), .init("created_at", .date), .init("updated_at", .date),
            ]),
        LibraryTable(
            "face", identity: "id",
            [.init("id", .integer), .init("image_row_id", .integer)] + box + [
                .init("landmarks", .text), .init("yaw", .real), .init("pitch", .real), .init("roll", .real),
                .init("age", .integer), .init("gender", .text), .init("confidence", .real), .init("quality", .real),
                .init("embedding", .vector), .init("embedding_model", .text), .init("cluster_id", .text),
                .init("label_name", .text), .init("label_source", .text), .init("created_at", .date),
            ]),
        LibraryTable(
            "face_constraint", identity: "id",
            [
                .init("id", .integer), .init("kind", .text), .init("face_id", .integer), .init("other_face_id", .integer),
                .init("cluster_id", .text), .init("person_name", .text), .init("created_at", .date),
            ]),
        LibraryTable(
            "audit", identity: "id", [.init("id", .integer), .init("at", .date), .init("action", .text), .init("detail", .text)]),
    ]

    /// Seed 002's face database and seed 000's image embeddings.
    static let collections: [LibraryTable] = [
        LibraryTable(
            "collection_image", identity: "id",
            [
                .init("id", .integer), .init("collection", .text), .init("image_id", .text), .init("file", .text),
                .init("width", .integer), .init("height", .integer), .init("added_at", .date),
            ]),
        LibraryTable(
            "collection_face", identity: "id",
            [.init("id", .integer), .init("image_row_id", .integer), .init("collection", .text)] + box + [
                .init("confidence", .real), .init("embedding", .vector), .init("embedding_model", .text),
            ]),
        LibraryTable(
            "image_embedding", identity: "id",
            [
                .init("id", .integer), .init("image_id", .text), .init("model", .text), .init("image_path", .text),
                .init("embedding", .vector), .init("encoded_at", .date),
            ]),
    ]

    /// Seed 003's reference faces and audit trail.
    static let references: [LibraryTable] = [
        LibraryTable(
            "reference_face", identity: "id",
            [
                .init("id", .integer), .init("person_name", .text), .init("embedding", .vector), .init("embedding_model", .text),
                .init("reference_image_path", .text),
            ] + box + [
                .init("source_face_id", .integer), .init("quality", .real), .init("is_active", .boolean),
                .init("created_at", .date), .init("updated_at", .date),
            ]),
        LibraryTable(
            "media_audit", identity: "id",
            [.init("id", .integer), .init("at", .date), .init("action", .text), .init("actor", .text), .init("detail", .text)]),
    ]

    /// Seed 003's routing settings, finished move journal and routed files.
    static let routing: [LibraryTable] = [
        LibraryTable("routing_setting", [.init("key", .text), .init("value", .text), .init("updated_at", .date)]),
        LibraryTable(
            "file_move", identity: "id",
            [
                .init("id", .integer), .init("source", .text), .init("destination", .text), .init("content_hash", .text),
                .init("size", .integer), .init("state", .text), .init("reason", .text), .init("routed", .text),
                .init("created_at", .date), .init("finished_at", .date),
            ]),
        LibraryTable(
            "routed_file",
            [
                .init("content_hash", .text), .init("original_path", .text), .init("routed_to", .text),
                .init("has_match", .boolean), .init("person_name", .text), .init("routed_at", .date),
            ]),
    ]

    /// API keys (hashes only: keys keep working) and issue 14's classifiers.
    static let access: [LibraryTable] = [
        LibraryTable(
            "api_key",
            [
                .init("id", .text), .init("name", .text), .init("scopes", .text), .init("key_hash", .text),
                .init("created_at", .date), .init("last_used_at", .date), .init("revoked_at", .date),
            ]),
        LibraryTable("classifier_collection", [.init("collection_id", .integer), .init("last_version", .integer)]),
        LibraryTable(
            "classifier_version",
            [
                .init("collection_id", .integer), .init("version", .integer), .init("embedding_types", .texts),
                .init("dimensions", .integers), .init("weights", .floats), .init("bias", .real), .init("threshold", .real),
                .init("regularization", .real), .init("held_out_fraction", .real), .init("seed", .integer),
            ]
                + ["training_positives", "training_negatives", "true_positives", "false_positives", "true_negatives", "false_negatives"]
                .map { LibraryColumn($0, .integer) } + [.init("macro_precision", .real), .init("created_at", .date)]),
    ]
}
