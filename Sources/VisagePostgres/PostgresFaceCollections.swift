import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Seed 002's face database in PostgreSQL: collection images and faces in tables, embeddings in
/// pgvector, searched in SQL through HNSW indexes (one per embedding dimension). Nothing is held
/// in the process, so any number of processes can add to and search the same collections, and a
/// search sees every committed write at once.
public final class PostgresFaceCollections: FaceCollectionStore, Sendable {
    let database: PostgresDatabase
    private let vectorIndexes = PostgresVectorIndexes(table: "collection_face")

    public init(store: PostgresStore) {
        database = store.database
    }

    public func add(_ new: NewCollectionImage) throws -> AddedCollectionImage {
        try add([new])[0]
    }

    /// In one transaction. Processes adding to the same image, or the first faces of a collection
    /// and model, are serialised by advisory locks, taken in one sorted order so two batches
    /// can't deadlock; so the dimension check below can't be raced.
    public func add(_ images: [NewCollectionImage]) throws -> [AddedCollectionImage] {
        for new in images {
            _ = try CollectionName.validated(new.collection)
            guard !new.imageID.isEmpty else { throw VisageError(.invalidRequest, "image_id can't be empty") }
            guard !new.embeddingModel.isEmpty else { throw StorageErrors.modelMissing() }
        }
        let locks = Set(images.flatMap { ["image/\($0.collection)/\($0.imageID)", "model/\($0.collection)/\($0.embeddingModel)"] })
        let now = Date()
        return try database.transaction { session in
            for lock in locks.sorted() { try session.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(lock), 0))") }
            var dimensions: [String: Int] = [:]
            return try images.map { new in
                let scope = "\(new.collection)\0\(new.embeddingModel)"
                let expected =
                    try dimensions[scope] ?? Self.storedDimensions(of: new, in: session) ?? new.faces.first?.embedding.count ?? 0
                if let face = new.faces.first(where: { $0.embedding.count != expected || $0.embedding.isEmpty }) {
                    throw VisageError(
                        .embeddingDimensionMismatch,
                        "a \(face.embedding.count)-dimensional embedding can't join collection \(new.collection)'s \(expected)-dimensional \(new.embeddingModel) faces"
                    )
                }
                if !new.faces.isEmpty {
                    dimensions[scope] = expected
                    try vectorIndexes.ensure(dimensions: expected, in: session)
                }
                let replaced = try Self.removeImage(collection: new.collection, imageID: new.imageID, in: session)
                let image = try Self.insert(new, addedAt: now, in: session)
                let faces = try new.faces.map { try Self.insert($0, image: image, model: new.embeddingModel, in: session) }
                return AddedCollectionImage(image: image, faces: faces, replacedFaces: replaced ?? 0, replaced: replaced != nil)
            }
        }
    }

    public func search(collection: String, model: String, queries: [[Float]], minSimilarity: Float, limit: Int) throws -> [[CollectionMatch]] {
        let collection = try CollectionName.validated(collection)
        guard limit > 0, !queries.isEmpty else { return queries.map { _ in [] } }
        return try database.transaction { session in
            try PostgresVectorIndexes.prepareSearch(limit: limit, in: session)
            return try queries.map { query in
                guard !query.isEmpty else { return [] }
                return try Self.nearest(query, collection: collection, model: model, limit: limit, in: session)
                    .filter { $0.similarity >= minSimilarity }
            }
        }
    }

    public func image(collection: String, imageID: String) throws -> (image: CollectionImage, faces: [CollectionFace])? {
        let collection = try CollectionName.validated(collection)
        return try database.transaction(isolation: "ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            let rows = try session.fetch(
                """
                SELECT id, file, width, height, added_at FROM collection_image
                WHERE collection = \(collection) AND image_id = \(imageID)
                """, as: (Int64, String, Int, Int, Date).self)
            guard let (id, file, width, height, addedAt) = rows.first else { return nil }
            let image = CollectionImage(
                id: id, collection: collection, imageID: imageID, file: file, width: width, height: height, addedAt: addedAt)
            let faces = try session.fetch(
                """
                SELECT id, box_x, box_y, box_width, box_height, confidence, embedding::real[], embedding_model
                FROM collection_face WHERE image_row_id = \(id) ORDER BY id
                """, as: (Int64, Double, Double, Double, Double, Double, [Float], String).self
            ).map { face in
                CollectionFace(
                    id: face.0, imageRowID: id, box: BoundingBox(x: face.1, y: face.2, width: face.3, height: face.4),
                    confidence: face.5, embedding: face.6, embeddingModel: face.7)
            }
            return (image, faces)
        }
    }

    public func deleteImage(collection: String, imageID: String) throws -> Int? {
        let collection = try CollectionName.validated(collection)
        return try database.transaction { session in
            try session.execute("SELECT pg_advisory_xact_lock(hashtextextended(\("image/\(collection)/\(imageID)"), 0))")
            return try Self.removeImage(collection: collection, imageID: imageID, in: session)
        }
    }

    public func deleteCollection(_ collection: String) throws -> Int? {
        let collection = try CollectionName.validated(collection)
        let deleted = try database.withSession { try $0.execute("DELETE FROM collection_image WHERE collection = \(collection)") }
        return deleted > 0 ? deleted : nil
    }

    public func collections() throws -> [CollectionSummary] {
        try database.withSession { session in
            try session.fetch(
                """
                SELECT i.collection, count(DISTINCT i.id), count(f.id) FROM collection_image i
                LEFT JOIN collection_face f ON f.image_row_id = i.id GROUP BY i.collection ORDER BY i.collection
                """, as: (String, Int, Int).self
            ).map { CollectionSummary(name: $0.0, images: $0.1, faces: $0.2) }
        }
    }

    /// 0 when the database can't be reached: the protocol's callers only report the number.
    public func faceCount(collection: String, model: String) -> Int {
        let count = try? database.withSession { session in
            try session.fetch(
                "SELECT count(*) FROM collection_face WHERE collection = \(collection) AND embedding_model = \(model)",
                as: (Int).self
            ).first
        }
        return (count ?? nil) ?? 0
    }
}
