import Foundation
import GRDB
import Testing
import VisageAccess
import VisagePostgres
import VisageSQLite
import VisageStorage

/// `visage migrate --from sqlite:PATH --to postgres://...` (issue 15), through the real CLI: a
/// library made by a real `visage serve` on SQLite is served the same on PostgreSQL afterwards.
@Suite(.serialized) struct MigrateCommandTests {
    @Test func aMigratedLibraryServesTheSameOnPostgreSQL() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let library = try await Self.makeLibrary(in: data)
        let key = library.key
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }

        let result = await Self.migrate(data, to: url)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(result.jsonLines.first, "\(result.stdout)")
        let tables = try #require(summary["tables"] as? [String: Int])
        let sqlite = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        let faceCount = try sqlite.read { try $0.libraryCounts() }.faces
        #expect(tables["face"] == faceCount && faceCount >= 5)
        #expect(tables["api_key"] == 1 && tables["reference_face"] == 1 && tables["collection_image"] == 1)
        #expect(tables["image_embedding"] == 1 && tables["classifier_version"] == 1 && tables["file_move"] == 1)
        #expect(tables["routed_file"] == 1 && tables["routing_setting"]! >= 1 && tables["face_constraint"]! >= 1 && tables["media_audit"]! >= 1)
        #expect(summary["verified_embeddings"] as? Int == faceCount + tables["collection_face"]! + 2)

        // The same rows through each backend's own stores: ids, names, embeddings, decisions.
        let postgres = try PostgresStore(url: url)
        let people = PostgresFaceStore(store: postgres)
        // Times compared to the millisecond SQLite keeps: each driver turns them into a `Date`
        // by its own float arithmetic.
        func images(_ store: any FaceStore) throws -> [StoredImage] {
            try store.read { try $0.images() }.sorted { $0.id < $1.id }.map {
                var image = $0; image.analyzedAt = Self.ms(image.analyzedAt); return image
            }
        }
        func faces(_ store: any FaceStore, _ imageID: String) throws -> [StoredFace] {
            try store.read { try $0.faces(imageID: imageID) }.map {
                var face = $0; face.createdAt = Self.ms(face.createdAt); return face
            }
        }
        func clusters(_ store: any FaceStore) throws -> Set<Cluster> {
            Set(
                try store.read { try $0.clusters() }.map {
                    var cluster = $0; (cluster.createdAt, cluster.updatedAt) = (Self.ms(cluster.createdAt), Self.ms(cluster.updatedAt));
                    return cluster
                })
        }
        func audit(_ store: any FaceStore) throws -> [AuditEntry] {
            try store.read { try $0.recentAudit(limit: 100) }.map {
                var entry = $0; entry.at = Self.ms(entry.at); return entry
            }
        }
        func classifiers(_ store: any ClassifierStore) throws -> [StoredClassifierVersion] {
            try store.classifierVersions(collectionID: nil).map {
                var version = $0; version.createdAt = Self.ms(version.createdAt); return version
            }
        }
        #expect(try images(people) == images(sqlite) && images(people).count >= 5)
        func constraints(_ store: any FaceStore, _ faceID: Int64) throws -> [FaceConstraint] {
            try store.read { try $0.constraints(forFace: faceID) }.map {
                var constraint = $0; constraint.createdAt = Self.ms(constraint.createdAt); return constraint
            }
        }
        var decisions = 0
        for image in try images(sqlite) {
            #expect(try faces(people, image.imageID) == faces(sqlite, image.imageID))
            for face in try faces(sqlite, image.imageID) {
                #expect(try constraints(people, face.id) == constraints(sqlite, face.id))
                decisions += try constraints(sqlite, face.id).count
            }
        }
        #expect(decisions >= 1)
        #expect(try postgres.routingSettings() == sqlite.routingSettings() && sqlite.routingSettings().personName == "Barack Obama")
        #expect(try clusters(people) == clusters(sqlite))
        #expect(try audit(people) == audit(sqlite))
        #expect(try classifiers(postgres) == classifiers(sqlite) && classifiers(postgres).first?.weights == [0.25, -1.5, 3e-8])
        #expect(try postgres.routedFile(contentHash: String(repeating: "ab", count: 32)) != nil)
        #expect(
            try PostgresImageEmbeddings(store: postgres).embedding(imageID: "clip-1", model: "tiny-clip")?.vector
                == SQLiteImageEmbeddings(store: sqlite).embedding(imageID: "clip-1", model: "tiny-clip")?.vector)
        // The key keeps working: only its hash moved.
        #expect(try KeyService(store: postgres).authenticate(key).scopes.contains(.facesRead))

        // A new photo of the migrated person lands in the migrated person's cluster, with new ids.
        let obama = try #require(try sqlite.read { try $0.clusters(named: "Barack Obama") }.first)
        let lastFace = try sqlite.read { try $0.images() }.flatMap { image in try sqlite.read { try $0.faces(imageID: image.imageID) } }
            .map(\.id).max()!
        let serve = try ServeProcess(data: data, environment: ["VISAGE_DATABASE_URL": url.redacted, "VISAGE_PEOPLE_SETTLE_SECONDS": "0"])
        defer { serve.kill() }
        try await serve.waitUntilHealthy()
        let photo = Self.photos["obama"]![3]
        let (status, json) = try await serve.request(
            "POST", "/faces/recognize", ["image_id": Self.imageID(photo), "image_path": photo, "orientation": 1], key: key)
        #expect(status == 200, "\(json)")
        let added = try await Self.faces(of: photo, on: serve, key: key)
        #expect(added.first?["cluster_id"] as? String == obama.id)
        #expect((added.first?["face_id"] as? Int).map { $0 > lastFace } == true)
        let (_, facedb) = try await serve.request("GET", "/facedb/images/db-1", key: key)
        #expect(Self.faceIDs(facedb) == library.facedbFaceIDs && !library.facedbFaceIDs.isEmpty, "\(facedb)")
        let (_, references) = try await serve.request("GET", "/references", key: key)
        #expect(references["count"] as? Int == 1, "\(references)")
    }

    @Test func refusesATargetThatHoldsALibraryAndKeepsIt() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        _ = try store.appendMediaAudit(action: "note", actor: nil, detailJSON: nil)
        let postgres = try PostgresStore(url: url)
        _ = try postgres.appendMediaAudit(action: "already-here", actor: nil, detailJSON: nil)

        let result = await Self.migrate(data, to: url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("[migration_target_not_empty]"), "\(result.stderr)")
        #expect(try postgres.mediaAudit(limit: 10).map(\.action) == ["already-here"])
    }

    @Test func refusesALibraryWithAPlannedMove() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        try store.renewRoutingOwner(RoutingOwner(id: "test", machine: nil, pid: 0), lease: 600)
        _ = try store.planMove(
            source: "/inbox/b.jpg", destination: "/library/b.jpg", contentHash: String(repeating: "cd", count: 32), size: 1,
            reason: "match", routed: nil, owner: "test")
        let result = await Self.migrate(data, to: url)
        #expect(result.stderr.contains("[migration_moves_pending]") && result.stderr.contains("visage route"), "\(result.stderr)")
    }

    @Test func refusesWhatIsNotAVisageLibraryOrAPostgreSQLURL() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let missing = await CLI.running(["migrate", "--from", "sqlite:\(data.path)/nothing.sqlite", "--to", url.redacted])
        #expect(missing.stderr.contains("[migration_source_invalid]"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(data.path)/nothing.sqlite"))
        let foreign = data.appendingPathComponent("other.sqlite")
        try await DatabaseQueue(path: foreign.path).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let other = await CLI.running(["migrate", "--from", "sqlite:\(foreign.path)", "--to", url.redacted])
        #expect(other.stderr.contains("[migration_source_invalid]"), "\(other.stderr)")
        let text = data.appendingPathComponent("notes.txt")
        try Data("not a database at all, just some text".utf8).write(to: text)
        let notSQLite = await CLI.running(["migrate", "--from", "sqlite:\(text.path)", "--to", url.redacted])
        #expect(notSQLite.stderr.contains("[migration_source_invalid]"), "\(notSQLite.stderr)")
        let badURL = await CLI.running(["migrate", "--from", "sqlite:\(foreign.path)", "--to", "postgres://host-only"])
        #expect(badURL.stderr.contains("[invalid_configuration]") && badURL.stderr.contains("--to"), "\(badURL.stderr)")
    }

    /// A row PostgreSQL's stricter CHECKs refuse (a cluster id not of Visage's form, which SQLite
    /// never checked) fails the copy midway, after other tables went in: nothing is committed, so
    /// once the row is mended the same target takes the whole library.
    @Test func aFailedCopyLeavesTheTargetEmpty() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let path = data.appendingPathComponent("visage.sqlite").path
        let store = try SQLiteFaceStore(path: path)
        _ = try store.appendMediaAudit(action: "note", actor: nil, detailJSON: nil)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    INSERT INTO image (image_id, path, width, height, orientation, analyzed_at) VALUES ('a', '/a.jpg', 10, 10, 1, '2026-01-01 00:00:00.000');
                    INSERT INTO cluster (id, embedding_model, created_at, updated_at) VALUES ('not-a-cluster-id', 'm', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000');
                    """)
        }
        let failed = await Self.migrate(data, to: url)
        #expect(failed.stderr.contains("[store_failed]") && failed.stderr.contains("copying cluster"), "\(failed.stderr)")

        try await DatabaseQueue(path: path).write { try $0.execute(sql: "DELETE FROM cluster") }
        let retried = await Self.migrate(data, to: url)
        #expect(retried.status == 0, "\(retried.stderr)")
        let tables = retried.jsonLines.first?["tables"] as? [String: Int]
        #expect(tables?["image"] == 1 && tables?["media_audit"] == 1)
    }
}
