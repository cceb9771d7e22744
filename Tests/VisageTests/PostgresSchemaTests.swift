import Foundation
import Testing
import VisagePostgres

/// The PostgreSQL schema's own guards, below the stores: every migration is recorded, and the
/// CHECKs refuse what the stores never write (as `SQLiteStoreTests` does for SQLite's), so a
/// row written by hand or by a later bug can't break what readers rely on. Each table's valid
/// row is inserted first, so a refusal is the CHECK's and never a typo's.
@Suite struct PostgresSchemaTests {
    static let hash = String(repeating: "ab", count: 32)

    @Test func migrationsAreRecordedAndRowsKeepTheirInvariants() throws {
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        _ = try PostgresStore(url: url)
        _ = try PostgresStore(url: url)  // A second open migrates nothing twice.
        try TestPostgres.psql(
            url,
            """
            DO $$ BEGIN
                IF (SELECT array_agg(version || ' ' || name ORDER BY version) FROM schema_migrations) IS DISTINCT FROM
                   ARRAY['1 api-keys-and-sessions', '2 face-collections', '3 image-embeddings', '4 reference-faces', '5 media-routing',
                         '6 people', '7 classifiers', '8 jobs', '9 routing-owners']
                THEN RAISE EXCEPTION 'unexpected migrations'; END IF;
            END $$
            """)

        let reference =
            "INSERT INTO reference_face (person_name, embedding, dimensions, embedding_model, box_x, box_y, box_width, box_height, created_at, updated_at)"
        let move = "INSERT INTO file_move (source, destination, content_hash, size, state, reason, routed, created_at, finished_at)"
        let owned = "INSERT INTO file_move (source, destination, content_hash, size, state, reason, created_at, owner)"
        let valid = [
            "\(reference) VALUES ('Ada', '[1,0]', 2, 'm', 1, 2, 3, 4, '2026-01-01Z', '2026-01-02Z')",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'done', 'match', '{\"a\":1}', '2026-01-01Z', '2026-01-01Z')",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'planned', 'match', NULL, '2026-01-01Z', NULL)",
            // Ownerless moves (from before owners) are outside the one-planned-move-per-source index.
            "\(move) VALUES ('/a', '/c', '\(Self.hash)', 1, 'planned', 'match', NULL, '2026-01-01Z', NULL)",
            "\(owned) VALUES ('/d', '/e', '\(Self.hash)', 1, 'planned', 'match', '2026-01-01Z', 'o1')",
            "INSERT INTO file_move (source, destination, content_hash, size, state, reason, created_at, finished_at, owner) VALUES ('/d', '/f', '\(Self.hash)', 1, 'done', 'match', '2026-01-01Z', '2026-01-01Z', 'o1')",
            "INSERT INTO routing_owner VALUES ('o1', NULL, 7, now(), now(), now() + interval '1 minute')",
            "INSERT INTO routing_setting (key, value, updated_at) VALUES ('k', '{\"enabled\":true}', now())",
            "INSERT INTO routed_file VALUES ('\(Self.hash)', '/a', '/b', true, NULL, now())",
        ]
        for statement in valid { try TestPostgres.psql(url, statement) }

        let refused = [
            "\(reference) VALUES ('Ada', '[1,0]', 2, 'm', 1, NULL, 3, 4, '2026-01-01Z', '2026-01-02Z')",
            "\(reference) VALUES ('Ada', '[1,0]', 3, 'm', 1, 2, 3, 4, '2026-01-01Z', '2026-01-02Z')",
            "\(reference) VALUES ('Ada', '[1,0]', 2, 'm', 1, 2, 3, 4, '2026-01-02Z', '2026-01-01Z')",
            "\(reference) VALUES ('Ada ', '[1,0]', 2, 'm', 1, 2, 3, 4, '2026-01-01Z', '2026-01-02Z')",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'planned', 'match', NULL, '2026-01-01Z', '2026-01-01Z')",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'done', 'match', NULL, '2026-01-01Z', NULL)",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'lost', 'match', NULL, '2026-01-01Z', '2026-01-01Z')",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'done', 'match', NULL, '2026-01-02Z', '2026-01-01Z')",
            "\(move) VALUES ('/a', '/b', '\(Self.hash)', 1, 'planned', 'match', 'not json', '2026-01-01Z', NULL)",
            "\(owned) VALUES ('/d', '/g', '\(Self.hash)', 1, 'planned', 'match', '2026-01-01Z', 'o2')",
            "\(owned) VALUES ('/h', '/g', '\(Self.hash)', 1, 'planned', 'match', '2026-01-01Z', '')",
            "INSERT INTO routing_owner VALUES ('o2', NULL, 7, now(), now(), now())",
            "INSERT INTO routing_owner VALUES ('', NULL, 7, now(), now(), now() + interval '1 minute')",
            "INSERT INTO routing_setting (key, value, updated_at) VALUES ('k2', '{enabled', now())",
            "INSERT INTO routing_setting (key, value, updated_at) VALUES ('', '{}', now())",
            "INSERT INTO routed_file VALUES ('\(Self.hash.uppercased())', '/a', '/b', true, NULL, now())",
        ]
        for statement in refused {
            #expect(throws: TestPostgres.StartError.self, "\(statement)") { try TestPostgres.psql(url, statement) }
        }
    }

    /// Migration 8's job queue: a lease exactly while running, attempts within the maximum,
    /// progress within its total, a result exactly when done, an error on every retry.
    @Test func jobRowsKeepTheirInvariants() throws {
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        _ = try PostgresStore(url: url)
        let job = """
            INSERT INTO job (kind, payload, state, attempts, max_attempts, run_after, lease_owner, lease_expires_at, progress_done,
                progress_total, last_error, result, created_at, updated_at, finished_at)
            """
        let t = "'2026-01-01Z'"
        let valid = [
            "\(job) VALUES ('reindex', '{}', 'queued', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'running', 1, 5, \(t), 'w', \(t), 2, 3, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'retry', 1, 5, \(t), NULL, NULL, 0, NULL, 'boom', NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'done', 1, 5, \(t), NULL, NULL, 3, 3, NULL, '{}', \(t), \(t), \(t))",
        ]
        for statement in valid { try TestPostgres.psql(url, statement) }
        let refused = [
            "\(job) VALUES ('Reindex', '{}', 'queued', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', 'x', 'queued', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'lost', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'queued', -1, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'queued', 6, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'queued', 0, 5, \(t), 'w', \(t), 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'running', 1, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'running', 1, 5, \(t), 'w', \(t), 4, 3, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'retry', 1, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'done', 1, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), \(t))",
            "\(job) VALUES ('reindex', '{}', 'done', 1, 5, \(t), NULL, NULL, 0, NULL, NULL, '{}', \(t), \(t), NULL)",
        ]
        for statement in refused {
            #expect(throws: TestPostgres.StartError.self, "\(statement)") { try TestPostgres.psql(url, statement) }
        }
    }

    /// Classifier versions: as SQLite's `ClassifierStoreTests` checks its own, each refusal one
    /// column away from the valid row.
    @Test func classifierRowsKeepTheirInvariants() throws {
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        _ = try PostgresStore(url: url)
        let version =
            "INSERT INTO classifier_version (collection_id, version, embedding_types, dimensions, weights, bias, threshold, "
            + "regularization, held_out_fraction, seed, training_positives, training_negatives, true_positives, false_positives, "
            + "true_negatives, false_negatives, macro_precision, created_at) VALUES"
        func row(
            collection: String = "3", number: String = "9", types: String = "'{face}'", dimensions: String = "'{1}'",
            weights: String = "'{1.5}'", threshold: String = "0.5", regularization: String = "0.01", heldOut: String = "0.2",
            counts: String = "2, 2, 1, 0, 1, 0", precision: String = "1"
        ) -> String {
            "\(version) (\(collection), \(number), \(types), \(dimensions), \(weights), 0, \(threshold), \(regularization), "
                + "\(heldOut), -1, \(counts), \(precision), now())"
        }
        try TestPostgres.psql(url, "INSERT INTO classifier_collection VALUES (3, 2)")
        try TestPostgres.psql(url, row(number: "1"))
        try TestPostgres.psql(url, row(number: "2", types: "'{clip,face}'", dimensions: "'{1,2}'", weights: "'{1,-2,3}'"))

        let refused = [
            "INSERT INTO classifier_collection VALUES (-1, 1)",
            "INSERT INTO classifier_collection VALUES (4, 0)",
            row(number: "0"),
            row(number: "1"),  // taken
            row(collection: "4", number: "1"),  // no counter row
            row(types: "'{}'", dimensions: "'{}'"),
            row(types: "'{{face}}'"),
            row(types: "'{face,NULL}'", dimensions: "'{1,1}'"),
            row(dimensions: "'{1,2}'"),
            row(dimensions: "'{NULL}'"),
            row(weights: "'{}'"),
            row(weights: "'{1,NULL}'"),
            row(threshold: "1.5"),
            row(regularization: "0"),
            row(heldOut: "1"),
            row(counts: "-1, 2, 1, 0, 1, 0"),
            row(counts: "2, 2, 0, 0, 1, 0"),  // no held-out positive
            row(counts: "2, 2, 1, 0, 0, 0"),  // no held-out negative
            row(precision: "1.01"),
        ]
        for statement in refused {
            #expect(throws: TestPostgres.StartError.self, "\(statement)") { try TestPostgres.psql(url, statement) }
        }
    }
}
