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
                         '9 routing-owners']
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
}
