import GRDB
import VisageSearch

extension FaceStore {
    /// An exact vector index of every face embedded by `embeddingModel`, keyed by face id.
    ///
    /// The index is a snapshot: faces saved while it is being built are not in it, so build it
    /// before serving writes, or apply `SavedAnalysis` results to it afterwards. Throws
    /// `embedding_dimension_mismatch` if stored embeddings don't have `dimensions` floats.
    public func makeVectorIndex(embeddingModel: String, dimensions: Int) throws -> ExactVectorIndex {
        try read { transaction in
            let count = try Int.fetchOne(transaction.db, sql: "SELECT COUNT(*) FROM face WHERE embedding_model = ?",
                                         arguments: [embeddingModel]) ?? 0
            let index = ExactVectorIndex(dimensions: dimensions, capacity: count)
            try transaction.forEachEmbedding(embeddingModel: embeddingModel) { id, embedding in
                try index.upsert(id: id, vector: embedding)
            }
            return index
        }
    }
}
