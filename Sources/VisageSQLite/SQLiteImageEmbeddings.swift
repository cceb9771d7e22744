import Foundation
import GRDB
import VisageCore
import VisageSearch
import VisageStorage

/// Seed 000's image embeddings in the store's file, searched through one vector index per model,
/// made by the injected factory. As `SQLiteFaceCollections`: the indexes are built (or read back,
/// when saved for exactly the rows the file holds) at start, writes are serialised, and each
/// write changes the index only after its transaction commits.
public final class SQLiteImageEmbeddings: ImageEmbeddingStore, @unchecked Sendable {
    // @unchecked: `indexes` is only touched under `indexLock`; writes are serialised by `writeLock`.
    private let store: SQLiteFaceStore
    private let indexFactory: any VectorIndexFactory
    private let writeLock = NSLock()
    private let indexLock = NSLock()
    private var indexes: [String: any VectorIndex] = [:]

    /// The name a model's index is saved under.
    private static func indexName(model: String) -> String { "images-\(model)" }

    public init(store: SQLiteFaceStore, indexFactory: any VectorIndexFactory = ExactVectorIndexFactory()) throws {
        self.store = store
        self.indexFactory = indexFactory
        var built: [String: VectorSourceVersion] = [:]
        try store.readDatabase { db in
            for (model, size) in try Self.indexSizes(in: db) {
                let version = try VectorGeneration.version(of: "image_embedding", count: size.count, in: db)
                let name = Self.indexName(model: model)
                if let version, let saved = indexFactory.savedIndex(name: name, dimensions: size.dimensions, version: version) {
                    indexes[model] = saved
                    continue
                }
                let index = indexFactory.makeIndex(dimensions: size.dimensions, capacity: size.count)
                let rows = try Row.fetchCursor(db, sql: "SELECT id, embedding FROM image_embedding WHERE model = ?", arguments: [model])
                while let row = try rows.next() { try index.upsert(id: row[0], vector: EmbeddingBlob.decode(row[1])) }
                indexes[model] = index
                if let version { built[model] = version }
            }
        }
        // Saved as built, so a restart with no change in between reads them back.
        for (model, version) in built { try? indexFactory.save(indexes[model]!, name: Self.indexName(model: model), version: version) }
    }

    /// Saves every index through the factory as holding the file's rows now (at shutdown).
    public func saveIndexes() throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        let versions = try store.readDatabase { db in
            try Self.indexSizes(in: db).compactMapValues { try VectorGeneration.version(of: "image_embedding", count: $0.count, in: db) }
        }
        for (model, version) in versions {
            guard let index = index(model) else { continue }
            try indexFactory.save(index, name: Self.indexName(model: model), version: version)
        }
    }

    private static func indexSizes(in db: Database) throws -> [String: (count: Int, dimensions: Int)] {
        let rows = try Row.fetchAll(db, sql: "SELECT model, COUNT(*), MIN(dimensions) FROM image_embedding GROUP BY model")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], (count: $0[1], dimensions: $0[2])) })
    }

    @discardableResult
    public func store(_ embedding: ImageEmbedding) throws -> Bool {
        try ImageEmbeddingRules.validate(embedding)
        writeLock.lock()
        defer { writeLock.unlock() }
        if let expected = index(embedding.model)?.dimensions, expected != embedding.vector.count {
            throw VisageError(
                .embeddingDimensionMismatch,
                "a \(embedding.vector.count)-dimensional embedding can't join the \(expected)-dimensional \(embedding.model) images")
        }
        let (newID, oldID) = try store.writeDatabase { db in
            let old = try Int64.fetchOne(
                db, sql: "SELECT id FROM image_embedding WHERE image_id = ? AND model = ?", arguments: [embedding.imageID, embedding.model])
            if let old { try db.execute(sql: "DELETE FROM image_embedding WHERE id = ?", arguments: [old]) }
            try db.cachedStatement(
                sql: """
                    INSERT INTO image_embedding (image_id, model, image_path, dimensions, embedding, encoded_at) VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                embedding.imageID, embedding.model, embedding.imagePath, embedding.vector.count,
                EmbeddingBlob.encode(embedding.vector), embedding.encodedAt,
            ])
            return (db.lastInsertedRowID, old)
        }
        // Committed: the index follows.
        let index = indexLock.withLock {
            if let existing = indexes[embedding.model] { return existing }
            let created = indexFactory.makeIndex(dimensions: embedding.vector.count, capacity: 0)
            indexes[embedding.model] = created
            return created
        }
        if let oldID { index.remove(id: oldID) }
        try index.upsert(id: newID, vector: embedding.vector)
        return oldID != nil
    }

    public func embedding(imageID: String, model: String) throws -> ImageEmbedding? {
        try store.readDatabase { db in
            try Row.fetchOne(
                db,
                sql: "SELECT image_id, image_path, model, embedding, encoded_at FROM image_embedding WHERE image_id = ? AND model = ?",
                arguments: [imageID, model]
            ).map { ImageEmbedding(imageID: $0[0], imagePath: $0[1], model: $0[2], vector: EmbeddingBlob.decode($0[3]), encodedAt: $0[4]) }
        }
    }

    public func search(model: String, query: [Float], minScore: Float, limit: Int, excluding imageID: String?) throws -> [ImageMatch] {
        guard let index = index(model), limit > 0 else { return [] }
        guard query.count == index.dimensions else {
            throw VisageError(
                .embeddingDimensionMismatch,
                "a \(query.count)-dimensional query can't search the \(index.dimensions)-dimensional \(model) images")
        }
        let excluded = try imageID.flatMap { id in
            try store.readDatabase {
                try Int64.fetchOne($0, sql: "SELECT id FROM image_embedding WHERE image_id = ? AND model = ?", arguments: [id, model])
            }
        }
        let neighbors = try index.search(query, minSimilarity: minScore, limit: limit, excluding: excluded.map { [$0] } ?? [])
        guard !neighbors.isEmpty else { return [] }
        let rows = try store.readDatabase { db in
            try Row.fetchAll(
                db, sql: "SELECT id, image_id, image_path FROM image_embedding WHERE id IN (\(databaseQuestionMarks(count: neighbors.count)))",
                arguments: StatementArguments(neighbors.map(\.id)))
        }
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0) })
        // A row deleted since the index was read is dropped: a search never names a gone image.
        return neighbors.compactMap { neighbor in
            byID[neighbor.id].map { ImageMatch(imageID: $0[1], imagePath: $0[2], score: neighbor.similarity) }
        }
    }

    @discardableResult
    public func deleteEmbeddings(imageID: String) throws -> Int {
        writeLock.lock()
        defer { writeLock.unlock() }
        let removed = try store.writeDatabase { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, model FROM image_embedding WHERE image_id = ?", arguments: [imageID])
            try db.execute(sql: "DELETE FROM image_embedding WHERE image_id = ?", arguments: [imageID])
            return rows.map { (id: $0[0] as Int64, model: $0[1] as String) }
        }
        for row in removed { index(row.model)?.remove(id: row.id) }
        return removed.count
    }

    public func embeddingCount(model: String) -> Int {
        index(model)?.count ?? 0
    }

    private func index(_ model: String) -> (any VectorIndex)? {
        indexLock.withLock { indexes[model] }
    }
}
