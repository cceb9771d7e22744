import Foundation
import GRDB
import Testing
import VisageCore
import VisageStorage

@testable import VisageSQLite

/// What only the SQLite backend has: its schema, file and encoding.
@Suite struct SQLiteStoreTests {
    /// A fresh folder for one test's database file, removed when `body` returns.
    static func withTemporaryDatabase(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder.appendingPathComponent("faces.sqlite").path)
    }

    @Test func migrationsCreateTheSchemaOnDisk() throws {
        try Self.withTemporaryDatabase { path in
            let store = try SQLiteFaceStore(path: path)
            try store.writer.read { db in
                for table in [
                    "image", "face", "cluster", "face_constraint", "audit", "collection_image", "collection_face", "api_key", "reference_face",
                    "media_audit",
                ] {
                    #expect(try db.tableExists(table), "\(table)")
                }
                let faceIndexes = try db.indexes(on: "face").map(\.columns)
                for column in ["image_row_id", "cluster_id", "embedding_model"] {
                    #expect(faceIndexes.contains([column]), "index on face(\(column))")
                }
                #expect(try db.indexes(on: "cluster").map(\.columns).contains(["name"]))
                #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
                #expect(try db.indexes(on: "collection_image").contains { $0.isUnique && $0.columns == ["collection", "image_id"] })
                #expect(try db.indexes(on: "collection_face").map(\.columns).contains(["image_row_id"]))
                #expect(
                    try StoreSchema.migrator.appliedMigrations(db) == [
                        "v1", "v2-pinned-clusters", "v3-face-collections", "v4-api-keys", "v5-reference-faces", "v6-media-routing",
                        "v7-ui-sessions", "v8-face-cover-index", "v9-vector-generations", "v10-image-embeddings",
                        "v11-classifiers", "v12-jobs", "v13-routing-owners",
                    ])
                // Covers come from the covering index, one seek per cluster, never from the face rows.
                let plan = try Row.fetchAll(
                    db,
                    sql: """
                        EXPLAIN QUERY PLAN SELECT face.id FROM face WHERE face.cluster_id = 'c'
                        ORDER BY face.quality IS NULL, face.quality DESC, face.confidence DESC, face.id LIMIT 1
                        """
                ).map { $0["detail"] as String }
                #expect(plan == ["SEARCH face USING COVERING INDEX face_cover (cluster_id=?)"], "\(plan)")
                #expect(try db.tableExists("vector_generation"))
                #expect(try db.indexes(on: "reference_face").map(\.columns).contains(["person_name", "is_active"]))
            }
            // Opening again migrates nothing twice.
            _ = try SQLiteFaceStore(path: path)
        }
    }

    /// The reference table's CHECKs refuse what the store never writes: an untrimmed or empty
    /// name, a partial box, an embedding that is not whole float32s, an update before creation.
    @Test func referenceRowsKeepTheirInvariants() throws {
        let store = try SQLiteFaceStore.inMemory()
        let added = try store.addReferences(
            [NewReferenceFace(personName: "Ada", embedding: [1, 0], embeddingModel: "m", referenceImagePath: nil, box: nil)], actor: nil)
        let id = try #require(added.first?.id)
        let now = "'2026-01-01 00:00:00'"
        let values = "x'0000803F', 'm', 1, \(now), \(now)"
        for bad in [
            "INSERT INTO reference_face (person_name, embedding, embedding_model, is_active, created_at, updated_at) VALUES (' Ada', \(values))",
            "INSERT INTO reference_face (person_name, embedding, embedding_model, is_active, created_at, updated_at) VALUES ('', \(values))",
            "INSERT INTO reference_face (person_name, embedding, embedding_model, is_active, created_at, updated_at) VALUES ('Ada', x'0000', 'm', 1, \(now), \(now))",
            "INSERT INTO reference_face (person_name, embedding, embedding_model, box_x, is_active, created_at, updated_at) VALUES ('Ada', x'0000803F', 'm', 3, 1, \(now), \(now))",
            "UPDATE reference_face SET updated_at = '1999-01-01 00:00:00' WHERE id = \(id)",
        ] {
            #expect(throws: DatabaseError.self, "\(bad)") { try store.writer.write { try $0.execute(sql: bad) } }
        }
        #expect(try store.reference(id: id)?.personName == "Ada")
    }

    /// `v12-jobs`, as PostgreSQL's migration 8: a lease exactly while running, attempts within
    /// the maximum, progress within its total, a result exactly when done, an error on a retry.
    @Test func jobRowsKeepTheirInvariants() throws {
        let store = try SQLiteFaceStore.inMemory()
        let job = """
            INSERT INTO job (kind, payload, state, attempts, max_attempts, run_after, lease_owner, lease_expires_at, progress_done,
                progress_total, last_error, result, created_at, updated_at, finished_at)
            """
        let t = "'2026-01-01 00:00:00.000'"
        for valid in [
            "\(job) VALUES ('reindex', '{}', 'queued', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'running', 1, 5, \(t), 'w', \(t), 2, 3, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'done', 1, 5, \(t), NULL, NULL, 3, 3, NULL, '{}', \(t), \(t), \(t))",
        ] {
            try store.writer.write { try $0.execute(sql: valid) }
        }
        for bad in [
            "\(job) VALUES ('Reindex', '{}', 'queued', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', 'x', 'queued', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'lost', 0, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'queued', 6, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'queued', 0, 5, \(t), 'w', \(t), 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'running', 1, 5, \(t), 'w', \(t), 4, 3, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'retry', 1, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), NULL)",
            "\(job) VALUES ('reindex', '{}', 'done', 1, 5, \(t), NULL, NULL, 0, NULL, NULL, NULL, \(t), \(t), \(t))",
        ] {
            #expect(throws: DatabaseError.self, "\(bad)") { try store.writer.write { try $0.execute(sql: bad) } }
        }
    }

    /// A journal from before owners, even one with two planned moves of one source (two processes
    /// raced before the claim existed), migrates untouched: its moves are ownerless, so
    /// orphaned, and are claimed one per source at a time.
    @Test func journalsFromBeforeOwnersMigrate() throws {
        try Self.withTemporaryDatabase { path in
            let old = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(old, upTo: "v11-classifiers")
            let hash = String(repeating: "ab", count: 32)
            for destination in ["/b", "/c"] {
                try old.write {
                    try $0.execute(
                        sql: """
                            INSERT INTO file_move (source, destination, content_hash, size, state, reason, created_at)
                            VALUES ('/a', ?, ?, 1, 'planned', 'match', '2026-01-01 00:00:00.000')
                            """, arguments: [destination, hash])
                }
            }
            try old.close()
            let store = try SQLiteFaceStore(path: path)
            let orphans = try store.orphanedMoves()
            #expect(orphans.map(\.destination) == ["/b", "/c"] && orphans.allSatisfy { $0.owner == nil })
            try store.renewRoutingOwner(RoutingOwner(id: "r", machine: nil, pid: 0), lease: 600)
            #expect(try store.claimMove(orphans[0].id, from: nil, to: "r"))
            #expect(try store.claimMove(orphans[1].id, from: nil, to: "r") == false, "one planned move of /a is owned now")
            try store.finishMove(orphans[0].id, owner: "r", state: .rolledBack, audit: nil)
            #expect(try store.claimMove(orphans[1].id, from: nil, to: "r"))
        }
    }

    @Test func unopenableFileIsAVisageError() throws {
        let error = #expect(throws: VisageError.self) { try SQLiteFaceStore(path: "/nonexistent-folder/sub/faces.sqlite") }
        #expect(error?.code == "store_open_failed")
    }

    @Test func embeddingBlobIsLittleEndianFloat32() {
        let data = EmbeddingBlob.encode([1, -2.5])
        #expect(Array(data) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0])
        #expect(EmbeddingBlob.decode(data) == [1, -2.5])
    }
}
