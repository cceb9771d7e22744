import GRDB
import VisageSearch
import VisageStorage

// The fast paths for filling a vector index: ids and embeddings straight from the rows, without
// decoding the rest of each face.
extension SQLiteTransaction {
    func faceCount(embeddingModel: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM face WHERE embedding_model = ?", arguments: [embeddingModel]) ?? 0
    }

    func forEachEmbedding(embeddingModel: String, _ body: (Int64, [Float]) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, embedding FROM face WHERE embedding_model = ? ORDER BY id",
            arguments: [embeddingModel])
        while let row = try rows.next() {
            try body(row[0], EmbeddingBlob.decode(row[1]))
        }
    }

    func vectorSourceVersion(embeddingModel: String) throws -> VectorSourceVersion? {
        try VectorGeneration.version(of: "face", count: faceCount(embeddingModel: embeddingModel), in: db)
    }
}

/// The counters the `v9-vector-generations` triggers bump on every insert, delete and embedding
/// change of a vector table (`face`, `collection_face`), whoever writes, with the random id the
/// migration gave this database: what a saved vector index is checked against.
enum VectorGeneration {
    static func version(of table: String, count: Int, in db: Database) throws -> VectorSourceVersion? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT database_id, generation FROM vector_generation WHERE source = ?", arguments: [table])
        else { return nil }
        return VectorSourceVersion(database: row[0], generation: row[1], count: count)
    }
}
