import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// The statements behind `PostgresFaceCollections`, each run on the caller's session.
extension PostgresFaceCollections {
    /// The dimension the collection's faces of this model already have; nil when it has none.
    static func storedDimensions(of new: NewCollectionImage, in session: PostgresSession) throws -> Int? {
        try session.fetch(
            """
            SELECT dimensions FROM collection_face
            WHERE collection = \(new.collection) AND embedding_model = \(new.embeddingModel) LIMIT 1
            """, as: (Int).self
        ).first
    }

    /// Deletes the image (its faces go by cascade); how many faces it had, nil when there was none.
    /// One statement: the faces are counted in the snapshot the delete starts from.
    static func removeImage(collection: String, imageID: String, in session: PostgresSession) throws -> Int? {
        let counts = try session.fetch(
            """
            WITH gone AS (DELETE FROM collection_image WHERE collection = \(collection) AND image_id = \(imageID) RETURNING id)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM collection_face WHERE image_row_id IN (SELECT id FROM gone))
            """, as: (Int, Int).self)
        guard let (images, faces) = counts.first, images > 0 else { return nil }
        return faces
    }

    static func insert(_ new: NewCollectionImage, addedAt: Date, in session: PostgresSession) throws -> CollectionImage {
        let ids = try session.fetch(
            """
            INSERT INTO collection_image (collection, image_id, file, width, height, added_at)
            VALUES (\(new.collection), \(new.imageID), \(new.file), \(new.width), \(new.height), \(addedAt)) RETURNING id
            """, as: (Int64).self)
        guard let id = ids.first else { throw VisageError(.storeFailed, "PostgreSQL returned no id for a new collection image") }
        return CollectionImage(
            id: id, collection: new.collection, imageID: new.imageID, file: new.file, width: new.width, height: new.height,
            addedAt: addedAt)
    }

    static func insert(
        _ face: NewCollectionFace, image: CollectionImage, model: String, in session: PostgresSession
    ) throws
        -> CollectionFace
    {
        let ids = try session.fetch(
            """
            INSERT INTO collection_face
                (image_row_id, collection, box_x, box_y, box_width, box_height, confidence, embedding, dimensions, embedding_model)
            VALUES (\(image.id), \(image.collection), \(face.box.x), \(face.box.y), \(face.box.width), \(face.box.height),
                    \(face.confidence), \(face.embedding)::real[]::vector, \(face.embedding.count), \(model))
            RETURNING id
            """, as: (Int64).self)
        guard let id = ids.first else { throw VisageError(.storeFailed, "PostgreSQL returned no id for a new collection face") }
        return CollectionFace(
            id: id, imageRowID: image.id, box: face.box, confidence: face.confidence, embedding: face.embedding,
            embeddingModel: model)
    }

    /// The `limit` faces nearest to `query` by cosine distance, best first, from the collection's
    /// faces of `model` and the query's dimension. The scan is over `embedding::vector(n)`, the
    /// expression the dimension's partial HNSW index is built on, so the index serves it, and the
    /// collection and model are filtered as the index is walked (iterative scans go on until
    /// `limit` rows pass the filter). Materialised, then re-sorted: relaxed order may be slightly
    /// out of order.
    static func nearest(
        _ query: [Float], collection: String, model: String, limit: Int, in session: PostgresSession
    ) throws
        -> [CollectionMatch]
    {
        let vector = "vector(\(query.count))"
        return try session.fetch(
            """
            WITH nearest AS MATERIALIZED (
                SELECT id, image_row_id, box_x, box_y, box_width, box_height,
                       embedding::\(unescaped: vector) <=> \(query)::real[]::\(unescaped: vector) AS distance
                FROM collection_face
                WHERE dimensions = \(query.count) AND collection = \(collection) AND embedding_model = \(model)
                ORDER BY distance LIMIT \(limit))
            SELECT n.id, i.image_id, i.file, n.box_x, n.box_y, n.box_width, n.box_height, n.distance
            FROM nearest n JOIN collection_image i ON i.id = n.image_row_id ORDER BY n.distance, n.id
            """, as: (Int64, String, String, Double, Double, Double, Double, Double).self
        ).map { row in
            CollectionMatch(
                faceID: row.0, imageID: row.1, file: row.2, box: BoundingBox(x: row.3, y: row.4, width: row.5, height: row.6),
                similarity: Float(1 - row.7))
        }
    }
}
