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
                for table in ["image", "face", "cluster", "face_constraint", "audit", "collection_image", "collection_face", "api_key"] {
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
                #expect(try StoreSchema.migrator.appliedMigrations(db) == ["v1", "v2-pinned-clusters", "v3-face-collections", "v4-api-keys"])
            }
            // Opening again migrates nothing twice.
            _ = try SQLiteFaceStore(path: path)
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
