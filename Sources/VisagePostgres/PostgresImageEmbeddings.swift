import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Seed 000's image embeddings in PostgreSQL: rows in `image_embedding`, searched in SQL through
/// pgvector's HNSW indexes. Nothing is held in the process, so every process sharing the database
/// finds what any of them encoded as soon as it commits.
public final class PostgresImageEmbeddings: ImageEmbeddingStore, Sendable {
    let database: PostgresDatabase
    private let vectorIndexes = PostgresVectorIndexes(table: "image_embedding")

    public init(store: PostgresStore) {
        database = store.database
    }

    /// One statement stores or replaces the row. Writers of one model are serialised by an
    /// advisory lock, so two first embeddings of different sizes can't both pass the check.
    @discardableResult
    public func store(_ embedding: ImageEmbedding) throws -> Bool {
        try ImageEmbeddingRules.validate(embedding)
        let dimensions = embedding.vector.count
        return try database.transaction { session in
            try session.execute("SELECT pg_advisory_xact_lock(hashtextextended(\("image-model/\(embedding.model)"), 0))")
            let stored = try session.fetch(
                "SELECT dimensions FROM image_embedding WHERE model = \(embedding.model) LIMIT 1", as: (Int).self
            ).first
            if let stored, stored != dimensions {
                throw VisageError(
                    .embeddingDimensionMismatch,
                    "a \(dimensions)-dimensional embedding can't join the \(stored)-dimensional \(embedding.model) images")
            }
            try vectorIndexes.ensure(dimensions: dimensions, in: session)
            // xmax is set on a row an ON CONFLICT update wrote: the image had an embedding.
            let replaced = try session.fetch(
                """
                INSERT INTO image_embedding (image_id, model, image_path, embedding, dimensions, encoded_at)
                VALUES (\(embedding.imageID), \(embedding.model), \(embedding.imagePath), \(embedding.vector)::real[]::vector,
                        \(dimensions), \(embedding.encodedAt))
                ON CONFLICT (image_id, model) DO UPDATE SET image_path = EXCLUDED.image_path, embedding = EXCLUDED.embedding,
                    dimensions = EXCLUDED.dimensions, encoded_at = EXCLUDED.encoded_at
                RETURNING xmax <> 0
                """, as: (Bool).self)
            return replaced.first ?? false
        }
    }

    public func embedding(imageID: String, model: String) throws -> ImageEmbedding? {
        try database.withSession { session in
            try session.fetch(
                """
                SELECT image_path, embedding::real[], encoded_at FROM image_embedding
                WHERE image_id = \(imageID) AND model = \(model)
                """, as: (String?, [Float], Date).self
            ).first.map { ImageEmbedding(imageID: imageID, imagePath: $0.0, model: model, vector: $0.1, encodedAt: $0.2) }
        }
    }

    /// As `PostgresFaceCollections.nearest`: over `embedding::vector(n)`, the expression the
    /// dimension's index is built on, with iterative scans, materialised and re-sorted.
    public func search(model: String, query: [Float], minScore: Float, limit: Int, excluding imageID: String?) throws -> [ImageMatch] {
        guard limit > 0, !query.isEmpty else { return [] }
        let vector = "vector(\(query.count))"
        return try database.transaction { session in
            try PostgresVectorIndexes.prepareSearch(limit: limit, in: session)
            return try session.fetch(
                """
                WITH nearest AS MATERIALIZED (
                    SELECT image_id, image_path, embedding::\(unescaped: vector) <=> \(query)::real[]::\(unescaped: vector) AS distance
                    FROM image_embedding
                    WHERE model = \(model) AND dimensions = \(query.count) AND image_id IS DISTINCT FROM \(imageID)
                    ORDER BY distance LIMIT \(limit))
                SELECT image_id, image_path, distance FROM nearest ORDER BY distance, image_id
                """, as: (String, String?, Double).self
            ).map { ImageMatch(imageID: $0.0, imagePath: $0.1, score: Float(1 - $0.2)) }
                .filter { $0.score >= minScore }
        }
    }

    @discardableResult
    public func deleteEmbeddings(imageID: String) throws -> Int {
        try database.withSession { try $0.execute("DELETE FROM image_embedding WHERE image_id = \(imageID)") }
    }

    /// 0 when the database can't be reached: callers only report the number.
    public func embeddingCount(model: String) -> Int {
        let count = try? database.withSession { session in
            try session.fetch("SELECT count(*) FROM image_embedding WHERE model = \(model)", as: (Int).self).first
        }
        return (count ?? nil) ?? 0
    }
}
