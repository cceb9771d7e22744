import Foundation
import GRDB
import VisageCore
import VisageSearch
import VisageStorage

/// The SQLite face database: collection images and faces in the store's file, searched through
/// one vector index per collection and embedding model, held in memory and made by the injected
/// factory (exact by default).
///
/// The indexes are built from the file when this is created (or read back, when the factory
/// saved them for exactly the faces the file holds: `saveIndexes()`) and then kept in step with it:
/// writes are serialised, and each write updates the indexes right after its transaction
/// commits. A search that races a delete may find a face whose row has just gone; such faces are
/// dropped from its results, so a search never returns a face the file no longer holds.
public final class SQLiteFaceCollections: FaceCollectionStore, @unchecked Sendable {
    // @unchecked: `indexes` is only touched under `indexLock`; writes are serialised by `writeLock`.
    private let store: SQLiteFaceStore
    private let indexFactory: any VectorIndexFactory
    private let writeLock = NSLock()
    private let indexLock = NSLock()
    private var indexes: [IndexKey: any VectorIndex] = [:]

    private struct IndexKey: Hashable {
        var collection: String
        var model: String

        /// The name the index is kept under by a factory that saves indexes.
        var name: String { "collection-\(collection)-\(model)" }
    }

    public init(store: SQLiteFaceStore, indexFactory: any VectorIndexFactory = ExactVectorIndexFactory()) throws {
        self.store = store
        self.indexFactory = indexFactory
        var built: [IndexKey: VectorSourceVersion] = [:]
        var loaded: Set<IndexKey> = []
        try store.readDatabase { db in
            let sizes = try Self.indexSizes(in: db)
            for (key, size) in sizes {
                let version = try VectorGeneration.version(of: "collection_face", count: size.count, in: db)
                if let version, let saved = indexFactory.savedIndex(name: key.name, dimensions: size.dimensions, version: version) {
                    indexes[key] = saved
                    loaded.insert(key)
                    continue
                }
                indexes[key] = indexFactory.makeIndex(dimensions: size.dimensions, capacity: size.count)
                if let version { built[key] = version }
            }
            guard loaded.count < sizes.count else { return }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.id, f.embedding, i.collection, f.embedding_model FROM collection_face f
                    JOIN collection_image i ON i.id = f.image_row_id
                    """)
            while let row = try rows.next() {
                let key = IndexKey(collection: row[2], model: row[3])
                guard !loaded.contains(key) else { continue }
                try indexes[key]!.upsert(id: row[0], vector: EmbeddingBlob.decode(row[1]))
            }
        }
        // Saved as built, so a restart with no change in between reads them back.
        for (key, version) in built { try? indexFactory.save(indexes[key]!, name: key.name, version: version) }
    }

    /// Saves every index through the factory (a no-op for factories that keep nothing) as holding
    /// the file's faces now: called on shutdown, so the next start reads them back. Holds the
    /// write lock, so no change slips in between the version read and the saves.
    public func saveIndexes() throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        let versions = try store.readDatabase { db in
            try Self.indexSizes(in: db).compactMapValues {
                try VectorGeneration.version(of: "collection_face", count: $0.count, in: db)
            }
        }
        for (key, version) in versions {
            guard let index = index(key) else { continue }
            try indexFactory.save(index, name: key.name, version: version)
        }
    }

    /// Faces and their dimensions per collection and model.
    private static func indexSizes(in db: Database) throws -> [IndexKey: (count: Int, dimensions: Int)] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT i.collection, f.embedding_model, COUNT(*), MIN(LENGTH(f.embedding)) FROM collection_face f
                JOIN collection_image i ON i.id = f.image_row_id GROUP BY i.collection, f.embedding_model
                """)
        var sizes: [IndexKey: (count: Int, dimensions: Int)] = [:]
        for row in rows {
            sizes[IndexKey(collection: row[0], model: row[1])] = (row[2], max(1, EmbeddingBlob.dimensions(ofByteCount: row[3])))
        }
        return sizes
    }

    public func add(_ new: NewCollectionImage) throws -> AddedCollectionImage {
        try add([new])[0]
    }

    /// Adds the images in one transaction, in order (a later image with the same id replaces an
    /// earlier one). For bulk imports: one commit for thousands of images.
    public func add(_ images: [NewCollectionImage]) throws -> [AddedCollectionImage] {
        writeLock.lock()
        defer { writeLock.unlock() }
        var dimensions: [IndexKey: Int] = [:]
        for new in images {
            _ = try CollectionName.validated(new.collection)
            guard !new.imageID.isEmpty else { throw VisageError(.invalidRequest, "image_id can't be empty") }
            let key = IndexKey(collection: new.collection, model: new.embeddingModel)
            let expected = dimensions[key] ?? index(key)?.dimensions ?? new.faces.first?.embedding.count ?? 0
            if let face = new.faces.first(where: { $0.embedding.count != expected || $0.embedding.isEmpty }) {
                throw VisageError(
                    .embeddingDimensionMismatch,
                    "a \(face.embedding.count)-dimensional embedding can't join collection \(new.collection)'s \(expected)-dimensional \(new.embeddingModel) faces"
                )
            }
            if !new.faces.isEmpty { dimensions[key] = expected }
        }
        let now = Date()
        let (added, removed) = try store.writeDatabase { db in
            var added: [AddedCollectionImage] = [], removed: [[(id: Int64, model: String)]] = []
            for new in images {
                let previous = try Self.removeImage(collection: new.collection, imageID: new.imageID, in: db)
                let image = try Self.insert(new, addedAt: now, in: db)
                let faces = try new.faces.map { try Self.insert($0, imageRowID: image.id, model: new.embeddingModel, in: db) }
                added.append(
                    AddedCollectionImage(
                        image: image, faces: faces, replacedFaces: previous?.count ?? 0,
                        replaced: previous != nil))
                removed.append(previous ?? [])
            }
            return (added, removed)
        }
        // Committed: replay the same steps on the indexes, in the same order.
        for (new, (image, gone)) in zip(images, zip(added, removed)) {
            removeFromIndexes(gone, collection: new.collection)
            guard let dimension = new.faces.first?.embedding.count else { continue }
            let key = IndexKey(collection: new.collection, model: new.embeddingModel)
            let target = indexLock.withLock {
                if let existing = indexes[key] { return existing }
                let created = indexFactory.makeIndex(dimensions: dimension, capacity: 0)
                indexes[key] = created
                return created
            }
            for (record, face) in zip(image.faces, new.faces) { try target.upsert(id: record.id, vector: face.embedding) }
        }
        return added
    }

    public func search(collection: String, model: String, queries: [[Float]], minSimilarity: Float, limit: Int) throws -> [[CollectionMatch]] {
        let collection = try CollectionName.validated(collection)
        guard let index = index(IndexKey(collection: collection, model: model)), limit > 0 else {
            return queries.map { _ in [] }
        }
        let neighbors = try queries.map { try index.search($0, minSimilarity: minSimilarity, limit: limit) }
        let ids = Set(neighbors.joined().map(\.id))
        guard !ids.isEmpty else { return queries.map { _ in [] } }
        let found = try store.readDatabase { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.id, i.image_id, i.file, f.box_x, f.box_y, f.box_width, f.box_height FROM collection_face f
                    JOIN collection_image i ON i.id = f.image_row_id WHERE f.id IN (\(databaseQuestionMarks(count: ids.count)))
                    """, arguments: StatementArguments(Array(ids)))
        }
        let rowsByID = Dictionary(uniqueKeysWithValues: found.map { ($0[0] as Int64, $0) })
        return neighbors.map { list in
            list.compactMap { neighbor in
                guard let row = rowsByID[neighbor.id] else { return nil }
                return CollectionMatch(
                    faceID: neighbor.id, imageID: row[1], file: row[2],
                    box: BoundingBox(x: row[3], y: row[4], width: row[5], height: row[6]),
                    similarity: neighbor.similarity)
            }
        }
    }

    public func image(collection: String, imageID: String) throws -> (image: CollectionImage, faces: [CollectionFace])? {
        let collection = try CollectionName.validated(collection)
        return try store.readDatabase { db in
            guard let image = try Self.imageRecord(collection: collection, imageID: imageID, in: db) else { return nil }
            let faces = try CollectionFaceRow.filter(CollectionFaceRow.SQLColumns.imageRowID == image.id)
                .order(CollectionFaceRow.SQLColumns.id).fetchAll(db)
            return (image.value, faces.map(\.value))
        }
    }

    public func deleteImage(collection: String, imageID: String) throws -> Int? {
        let collection = try CollectionName.validated(collection)
        writeLock.lock()
        defer { writeLock.unlock() }
        guard let removed = try store.writeDatabase({ try Self.removeImage(collection: collection, imageID: imageID, in: $0) }) else {
            return nil
        }
        removeFromIndexes(removed, collection: collection)
        return removed.count
    }

    public func deleteCollection(_ collection: String) throws -> Int? {
        let collection = try CollectionName.validated(collection)
        writeLock.lock()
        defer { writeLock.unlock() }
        let deleted = try store.writeDatabase { db in
            try db.execute(sql: "DELETE FROM collection_image WHERE collection = ?", arguments: [collection])
            return db.changesCount
        }
        guard deleted > 0 else { return nil }
        indexLock.withLock { indexes = indexes.filter { $0.key.collection != collection } }
        return deleted
    }

    public func collections() throws -> [CollectionSummary] {
        try store.readDatabase { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.collection, COUNT(DISTINCT i.id), COUNT(f.id) FROM collection_image i
                    LEFT JOIN collection_face f ON f.image_row_id = i.id GROUP BY i.collection ORDER BY i.collection
                    """
            ).map { CollectionSummary(name: $0[0], images: $0[1], faces: $0[2]) }
        }
    }

    public func faceCount(collection: String, model: String) -> Int {
        index(IndexKey(collection: collection, model: model))?.count ?? 0
    }

    // MARK: Helpers

    private func index(_ key: IndexKey) -> (any VectorIndex)? {
        indexLock.withLock { indexes[key] }
    }

    /// Faces go from every model's index of the collection: an image's old faces may be of
    /// another model than its new ones.
    private func removeFromIndexes(_ faces: [(id: Int64, model: String)], collection: String) {
        for face in faces {
            index(IndexKey(collection: collection, model: face.model))?.remove(id: face.id)
        }
    }

    // Explicit statements rather than the records' generic encoding: a bulk import inserts
    // thousands of rows per transaction, and this is several times faster.

    private static func insert(_ new: NewCollectionImage, addedAt: Date, in db: Database) throws -> CollectionImage {
        try db.cachedStatement(
            sql: """
                INSERT INTO collection_image (collection, image_id, file, width, height, added_at) VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [new.collection, new.imageID, new.file, new.width, new.height, addedAt])
        return CollectionImage(
            id: db.lastInsertedRowID, collection: new.collection, imageID: new.imageID, file: new.file,
            width: new.width, height: new.height, addedAt: addedAt)
    }

    private static func insert(_ face: NewCollectionFace, imageRowID: Int64, model: String, in db: Database) throws -> CollectionFace {
        try db.cachedStatement(
            sql: """
                INSERT INTO collection_face (image_row_id, box_x, box_y, box_width, box_height, confidence, embedding, embedding_model)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            imageRowID, face.box.x, face.box.y, face.box.width, face.box.height, face.confidence,
            EmbeddingBlob.encode(face.embedding), model,
        ])
        return CollectionFace(
            id: db.lastInsertedRowID, imageRowID: imageRowID, box: face.box, confidence: face.confidence,
            embedding: face.embedding, embeddingModel: model)
    }

    private static func imageRecord(collection: String, imageID: String, in db: Database) throws -> CollectionImageRow? {
        try CollectionImageRow.filter(
            CollectionImageRow.SQLColumns.collection == collection
                && CollectionImageRow.SQLColumns.imageID == imageID
        ).fetchOne(db)
    }

    /// Deletes the image (its faces go with it, by cascade) and returns those faces; nil when
    /// there was no such image.
    private static func removeImage(
        collection: String, imageID: String, in db: Database
    ) throws
        -> [(id: Int64, model: String)]?
    {
        let lookup = try db.cachedStatement(sql: "SELECT id FROM collection_image WHERE collection = ? AND image_id = ?")
        guard let rowID = try Int64.fetchOne(lookup, arguments: [collection, imageID]) else { return nil }
        let faces = try Row.fetchAll(
            db, sql: "SELECT id, embedding_model FROM collection_face WHERE image_row_id = ?",
            arguments: [rowID]
        ).map { (id: $0[0] as Int64, model: $0[1] as String) }
        try db.execute(sql: "DELETE FROM collection_image WHERE id = ?", arguments: [rowID])
        return faces
    }
}
