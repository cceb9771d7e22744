import GRDB

/// The database schema, one migration per released change. Never edit a migration once it has
/// shipped: add a new one, so existing databases are upgraded step by step.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createVersion1)
        migrator.registerMigration("v2-pinned-clusters", migrate: addPinnedClusters)
        migrator.registerMigration("v3-face-collections", migrate: addFaceCollections)
        migrator.registerMigration("v4-api-keys", migrate: addAPIKeys)
        migrator.registerMigration("v5-reference-faces", migrate: addReferenceFaces)
        migrator.registerMigration("v6-media-routing", migrate: addMediaRouting)
        migrator.registerMigration("v7-ui-sessions", migrate: addUISessions)
        migrator.registerMigration("v8-face-cover-index", migrate: addFaceCoverIndex)
        migrator.registerMigration("v9-vector-generations", migrate: addVectorGenerations)
        migrator.registerMigration("v10-image-embeddings", migrate: addImageEmbeddings)
        migrator.registerMigration("v11-classifiers", migrate: addClassifiers)
        migrator.registerMigration("v12-jobs", migrate: JobSchema.addJobs)
        migrator.registerMigration("v13-routing-owners", migrate: addRoutingOwners)
        return migrator
    }

    private static func createVersion1(_ db: Database) throws {
        try db.create(table: "image") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("image_id", .text).notNull().unique()
            table.column("path", .text).notNull()
            table.column("width", .integer).notNull()
            table.column("height", .integer).notNull()
            table.column("orientation", .integer).notNull()
            table.column("content_hash", .text)
            table.column("analyzed_at", .datetime).notNull()
        }

        try db.create(table: "cluster") { table in
            table.primaryKey("id", .text)
            table.column("name", .text).indexed()
            table.column("embedding_model", .text).notNull()
            table.column("centroid", .blob)
            table.column("face_count", .integer).notNull().defaults(to: 0)
            table.column("created_at", .datetime).notNull()
            table.column("updated_at", .datetime).notNull()
        }

        try db.create(table: "face") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("image_row_id", .integer).notNull().indexed()
                .references("image", onDelete: .cascade)
            table.column("box_x", .double).notNull()
            table.column("box_y", .double).notNull()
            table.column("box_width", .double).notNull()
            table.column("box_height", .double).notNull()
            table.column("landmarks", .text)  // JSON
            table.column("yaw", .double)
            table.column("pitch", .double)
            table.column("roll", .double)
            table.column("age", .integer)
            table.column("gender", .text).check { ["M", "F"].contains($0) }
            table.column("confidence", .double).notNull()
            table.column("quality", .double)
            table.column("embedding", .blob).notNull()  // float32, little-endian
            table.column("embedding_model", .text).notNull().indexed()
            // A deleted cluster leaves its faces unclustered, not deleted.
            table.column("cluster_id", .text).indexed()
                .references("cluster", onDelete: .setNull)
            table.column("label_name", .text).indexed()
            table.column("label_source", .text).check { ["xmp", "user"].contains($0) }
            table.column("created_at", .datetime).notNull()
            table.check(sql: "(label_name IS NULL) = (label_source IS NULL)")
        }

        try db.create(table: "face_constraint") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("kind", .text).notNull().check { ["cannot_link", "must_link"].contains($0) }
            table.column("face_id", .integer).notNull().indexed()
                .references("face", onDelete: .cascade)
            table.column("other_face_id", .integer).indexed()
                .references("face", onDelete: .cascade)
            // A constraint about a deleted cluster means nothing any more.
            table.column("cluster_id", .text).indexed()
                .references("cluster", onDelete: .cascade)
            table.column("person_name", .text).indexed()
            table.column("created_at", .datetime).notNull()
            table.check(
                sql: """
                    (other_face_id IS NOT NULL) + (cluster_id IS NOT NULL) + (person_name IS NOT NULL) = 1
                    """)
        }

        try db.create(table: "audit") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("at", .datetime).notNull()
            table.column("action", .text).notNull()
            table.column("detail", .text)  // JSON
        }
    }

    /// A cluster the user shaped (named, merged into, split from) is *pinned*: reclustering keeps
    /// its members together and apart from other pinned clusters.
    private static func addPinnedClusters(_ db: Database) throws {
        try db.alter(table: "cluster") { table in
            table.add(column: "pinned", .boolean).notNull().defaults(to: false)
        }
        try db.execute(sql: "UPDATE cluster SET pinned = 1 WHERE name IS NOT NULL")
    }

    /// The face database of seed 002: images the caller adds to a named collection, and their
    /// faces, searched by embedding. Kept apart from the people tables: adding an image to a
    /// collection never changes anyone's clusters.
    private static func addFaceCollections(_ db: Database) throws {
        try db.create(table: "collection_image") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("collection", .text).notNull()
            table.column("image_id", .text).notNull()
            table.column("file", .text).notNull()
            table.column("width", .integer).notNull()
            table.column("height", .integer).notNull()
            table.column("added_at", .datetime).notNull()
            table.uniqueKey(["collection", "image_id"])
        }

        try db.create(table: "collection_face") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("image_row_id", .integer).notNull().indexed()
                .references("collection_image", onDelete: .cascade)
            table.column("box_x", .double).notNull()
            table.column("box_y", .double).notNull()
            table.column("box_width", .double).notNull()
            table.column("box_height", .double).notNull()
            table.column("confidence", .double).notNull()
            table.column("embedding", .blob).notNull()  // float32, little-endian
            table.column("embedding_model", .text).notNull()
        }
    }

    /// API keys: the public id, the SHA-256 of the key (never the key), space-separated scope
    /// names. The CHECKs keep a plain key out of `key_hash` (it must be 64 hex digits) and a
    /// revocation or use from predating the key.
    private static func addAPIKeys(_ db: Database) throws {
        try db.create(table: "api_key") { table in
            table.primaryKey("id", .text).check(sql: "length(id) BETWEEN 1 AND 64")
            table.column("name", .text).notNull().check(sql: "length(name) BETWEEN 1 AND 100")
            table.column("scopes", .text).notNull().check(sql: "length(trim(scopes)) > 0")
            table.column("key_hash", .text).notNull()
                .check(sql: "length(key_hash) = 64 AND key_hash NOT GLOB '*[^0-9a-f]*'")
            table.column("created_at", .datetime).notNull()
            table.column("last_used_at", .datetime)
            table.column("revoked_at", .datetime)
            table.check(sql: "revoked_at IS NULL OR revoked_at >= created_at")
            table.check(sql: "last_used_at IS NULL OR last_used_at >= created_at")
        }
    }

    /// Seed 003's reference faces and its audit trail. A box is all four numbers or none; the
    /// embedding is whole float32s; `updated_at` never predates `created_at`.
    private static func addReferenceFaces(_ db: Database) throws {
        try db.create(table: "reference_face") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("person_name", .text).notNull()
                .check(sql: "length(person_name) BETWEEN 1 AND 200 AND person_name = trim(person_name)")
            table.column("embedding", .blob).notNull()  // float32, little-endian
                .check(sql: "length(embedding) > 0 AND length(embedding) % 4 = 0")
            table.column("embedding_model", .text).notNull().check(sql: "length(embedding_model) > 0")
            table.column("reference_image_path", .text)
            table.column("box_x", .double)
            table.column("box_y", .double)
            table.column("box_width", .double)
            table.column("box_height", .double)
            table.column("source_face_id", .integer)  // the face may be deleted later: no foreign key
            table.column("quality", .double).check(sql: "quality IS NULL OR quality BETWEEN 0 AND 1")
            table.column("is_active", .boolean).notNull().defaults(to: true)
            table.column("created_at", .datetime).notNull()
            table.column("updated_at", .datetime).notNull()
            table.check(sql: "(box_x IS NULL) = (box_y IS NULL) AND (box_x IS NULL) = (box_width IS NULL) AND (box_x IS NULL) = (box_height IS NULL)")
            table.check(sql: "updated_at >= created_at")
        }
        try db.create(index: "reference_face_person", on: "reference_face", columns: ["person_name", "is_active"])

        try db.create(table: "media_audit") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("at", .datetime).notNull()
            table.column("action", .text).notNull().check(sql: "length(action) > 0")
            table.column("actor", .text)
            table.column("detail", .text)  // JSON
        }
    }

    /// Seed 003's routing: its settings (JSON per key), the move journal written before each file
    /// moves, and the content hashes of routed files. A move is `planned` exactly while it has no
    /// `finished_at`; hashes are SHA-256 in lower-case hex.
    private static func addMediaRouting(_ db: Database) throws {
        try db.create(table: "routing_setting") { table in
            table.primaryKey("key", .text).check(sql: "length(key) > 0")
            table.column("value", .text).notNull().check(sql: "json_valid(value)")
            table.column("updated_at", .datetime).notNull()
        }
        let hashCheck = "length(content_hash) = 64 AND content_hash NOT GLOB '*[^0-9a-f]*'"
        try db.create(table: "file_move") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("source", .text).notNull().check(sql: "length(source) > 0")
            table.column("destination", .text).notNull().check(sql: "length(destination) > 0 AND destination <> source")
            table.column("content_hash", .text).notNull().check(sql: hashCheck)
            table.column("size", .integer).notNull().check(sql: "size >= 0")
            table.column("state", .text).notNull().check(sql: "state IN ('planned', 'done', 'rolled_back')")
            table.column("reason", .text).notNull().check(sql: "length(reason) > 0")
            table.column("routed", .text).check(sql: "routed IS NULL OR json_valid(routed)")  // the RoutedFile to record
            table.column("created_at", .datetime).notNull()
            table.column("finished_at", .datetime)
            table.check(sql: "(state = 'planned') = (finished_at IS NULL)")
        }
        try db.create(index: "file_move_state", on: "file_move", columns: ["state"])
        try db.create(table: "routed_file") { table in
            table.primaryKey("content_hash", .text).check(sql: hashCheck)
            table.column("original_path", .text).notNull()
            table.column("routed_to", .text).notNull()
            table.column("has_match", .boolean).notNull()
            table.column("person_name", .text)
            table.column("routed_at", .datetime).notNull()
        }
    }

    /// Web UI sessions: the public id, the SHA-256 of the cookie (never the cookie), the key the
    /// session acts for (deleted with it; keys are never deleted, only revoked, which the service
    /// checks on every request), and an expiry after its creation.
    private static func addUISessions(_ db: Database) throws {
        try db.create(table: "ui_session") { table in
            table.primaryKey("id", .text).check(sql: "length(id) BETWEEN 1 AND 64")
            table.column("key_id", .text).notNull().indexed().references("api_key", onDelete: .cascade)
            table.column("token_hash", .text).notNull()
                .check(sql: "length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'")
            table.column("created_at", .datetime).notNull()
            table.column("expires_at", .datetime).notNull().indexed()
            table.check(sql: "expires_at > created_at")
        }
    }

    /// Each cluster's cover face (`coverFaceIDs`) in one seek per cluster: the faces of a cluster
    /// in the cover order (quality, faces without one last, then confidence, then id), and
    /// covering, so the rows (with their embeddings) are never read. Without it, covers for 500
    /// people of 10,000 faces sort every face.
    private static func addFaceCoverIndex(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX face_cover ON face(cluster_id, quality IS NULL, quality DESC, confidence DESC, id)
                """)
    }

    /// One counter per vector table, bumped by triggers on every insert, delete and change of an
    /// embedding (cascaded deletes included), whoever writes: a vector index saved next to the
    /// database records the counter it matches and is rebuilt when the counter has moved on. The
    /// random `database_id` keeps a new database (or an in-memory one) from ever matching an index
    /// saved for another whose counter happens to be equal.
    private static func addVectorGenerations(_ db: Database) throws {
        try db.create(table: "vector_generation") { table in
            table.primaryKey("source", .text).check(sql: "source IN ('face', 'collection_face')")
            table.column("database_id", .text).notNull().check(sql: "length(database_id) = 32")
            table.column("generation", .integer).notNull().check(sql: "generation >= 0")
        }
        let databaseID = String((0..<32).map { _ in "0123456789abcdef".randomElement()! })
        for source in ["face", "collection_face"] {
            try db.execute(
                sql: "INSERT INTO vector_generation (source, database_id, generation) VALUES (?, ?, 0)",
                arguments: [source, databaseID])
            let bump = "UPDATE vector_generation SET generation = generation + 1 WHERE source = '\(source)';"
            try db.execute(
                sql: """
                    CREATE TRIGGER \(source)_vector_insert AFTER INSERT ON \(source) BEGIN \(bump) END;
                    CREATE TRIGGER \(source)_vector_delete AFTER DELETE ON \(source) BEGIN \(bump) END;
                    CREATE TRIGGER \(source)_vector_update AFTER UPDATE OF embedding, embedding_model ON \(source) BEGIN \(bump) END;
                    """)
        }
    }

    /// Seed 000's image embeddings: one per image and model, the vector's length checked against
    /// its `dimensions`. `vector_generation` gains the table as a source: its CHECK lists the
    /// sources, so the table is rebuilt (SQLite can't alter a CHECK), with its rows and the same
    /// database id, and the triggers that write to it are made again around the rebuild.
    private static func addImageEmbeddings(_ db: Database) throws {
        try db.create(table: "image_embedding") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("image_id", .text).notNull().check(sql: "length(image_id) BETWEEN 1 AND 1024")
            table.column("model", .text).notNull().check(sql: "length(model) > 0")
            table.column("image_path", .text)
            table.column("dimensions", .integer).notNull().check(sql: "dimensions > 0")
            table.column("embedding", .blob).notNull().check(sql: "length(embedding) = 4 * dimensions")
            table.column("encoded_at", .datetime).notNull()
            table.uniqueKey(["image_id", "model"])
        }
        try db.create(index: "image_embedding_by_model", on: "image_embedding", columns: ["model"])

        let sources = ["face", "collection_face", "image_embedding"]
        for source in sources.dropLast() {
            for change in ["insert", "delete", "update"] { try db.execute(sql: "DROP TRIGGER \(source)_vector_\(change)") }
        }
        try db.create(table: "vector_generation_rebuilt") { table in
            table.primaryKey("source", .text).check(sql: "source IN ('face', 'collection_face', 'image_embedding')")
            table.column("database_id", .text).notNull().check(sql: "length(database_id) = 32")
            table.column("generation", .integer).notNull().check(sql: "generation >= 0")
        }
        try db.execute(
            sql: """
                INSERT INTO vector_generation_rebuilt SELECT source, database_id, generation FROM vector_generation;
                INSERT INTO vector_generation_rebuilt SELECT 'image_embedding', database_id, 0 FROM vector_generation LIMIT 1;
                DROP TABLE vector_generation;
                ALTER TABLE vector_generation_rebuilt RENAME TO vector_generation;
                """)
        let columns = ["face": "embedding, embedding_model", "collection_face": "embedding, embedding_model", "image_embedding": "embedding, model"]
        for source in sources {
            let bump = "UPDATE vector_generation SET generation = generation + 1 WHERE source = '\(source)';"
            try db.execute(
                sql: """
                    CREATE TRIGGER \(source)_vector_insert AFTER INSERT ON \(source) BEGIN \(bump) END;
                    CREATE TRIGGER \(source)_vector_delete AFTER DELETE ON \(source) BEGIN \(bump) END;
                    CREATE TRIGGER \(source)_vector_update AFTER UPDATE OF \(columns[source]!) ON \(source) BEGIN \(bump) END;
                    """)
        }
    }

    /// Issue 14's collection classifiers: a version counter per collection (numbers never come
    /// back after a version is pruned) and the kept versions, each with its weights (float32,
    /// little-endian, one per feature of its concatenated embedding types), its settings and its
    /// held-out counts. `embedding_types` and `dimensions` are JSON arrays of the same length.
    private static func addClassifiers(_ db: Database) throws {
        try db.create(table: "classifier_collection") { table in
            table.primaryKey("collection_id", .integer).check(sql: "collection_id >= 0")
            table.column("last_version", .integer).notNull().check(sql: "last_version >= 1")
        }
        try db.create(table: "classifier_version") { table in
            table.column("collection_id", .integer).notNull().references("classifier_collection", onDelete: .cascade)
            table.column("version", .integer).notNull().check(sql: "version >= 1")
            table.primaryKey(["collection_id", "version"])
            table.column("embedding_types", .text).notNull()
                .check(sql: "json_valid(embedding_types) AND json_array_length(embedding_types) >= 1")
            table.column("dimensions", .text).notNull()
                .check(sql: "json_valid(dimensions) AND json_array_length(dimensions) = json_array_length(embedding_types)")
            table.column("weights", .blob).notNull().check(sql: "length(weights) > 0 AND length(weights) % 4 = 0")
            table.column("bias", .double).notNull()
            table.column("threshold", .double).notNull().check(sql: "threshold BETWEEN 0 AND 1")
            table.column("regularization", .double).notNull().check(sql: "regularization > 0")
            table.column("held_out_fraction", .double).notNull().check(sql: "held_out_fraction > 0 AND held_out_fraction < 1")
            table.column("seed", .integer).notNull()  // the UInt64's bit pattern
            for count in ["training_positives", "training_negatives", "true_positives", "false_positives", "true_negatives", "false_negatives"] {
                table.column(count, .integer).notNull().check(sql: "\(count) >= 0")
            }
            table.column("macro_precision", .double).notNull().check(sql: "macro_precision BETWEEN 0 AND 1")
            table.column("created_at", .datetime).notNull()
            table.check(sql: "true_positives + false_negatives >= 1 AND true_negatives + false_positives >= 1")
        }
    }

    /// Issue 15's move ownership, as PostgreSQL's migration 9: each routing process's lease
    /// (times from SQLite's clock, in GRDB's date format so they compare as text), the owner of
    /// each move, and at most one planned move per source. The unique index covers only moves
    /// with an owner (every move from now on), so it builds on any existing journal untouched;
    /// the ownerless moves from before are recovered at the next start.
    private static func addRoutingOwners(_ db: Database) throws {
        try db.create(table: "routing_owner") { table in
            table.primaryKey("id", .text).check(sql: "length(id) BETWEEN 1 AND 64")
            table.column("machine", .text).check(sql: "machine IS NULL OR length(machine) BETWEEN 1 AND 200")
            table.column("pid", .integer).notNull()
            table.column("started_at", .datetime).notNull()
            table.column("heartbeat_at", .datetime).notNull()
            table.column("expires_at", .datetime).notNull()
            table.check(sql: "expires_at > heartbeat_at")
        }
        try db.alter(table: "file_move") { table in
            table.add(column: "owner", .text).check(sql: "owner IS NULL OR length(owner) BETWEEN 1 AND 64")
        }
        try db.execute(sql: "CREATE UNIQUE INDEX file_move_planned_source ON file_move(source) WHERE state = 'planned' AND owner IS NOT NULL")
    }
}
