import GRDB
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
}
