import Foundation
import PostgresNIO
import VisageCore
import VisageSearch

/// Nearest faces of one embedding model, searched in SQL over the committed rows, on a connection
/// of its own: inside a people transaction (which holds the write lock) it sees what every process
/// committed before it, and not the transaction's own changes, as an in-memory index would.
///
/// Below `exactBelow` faces the search is an exact scan, so results are the same whichever
/// process asks and in whatever order faces came; from there on it walks the dimension's HNSW
/// index (`face_hnsw_<n>`), with iterative scans so excluded faces don't shorten the answer.
final class PostgresFaceSearch: VectorSearching {
    let database: PostgresDatabase
    let embeddingModel: String
    let dimensions: Int
    /// Where the graph takes over from the exact scan (as `VISAGE_VECTOR_INDEX=auto` does in process).
    static let exactBelow = 10_000

    init(database: PostgresDatabase, embeddingModel: String, dimensions: Int) {
        self.database = database
        self.embeddingModel = embeddingModel
        self.dimensions = dimensions
    }

    var count: Int {
        let counted = try? database.withSession { session in
            try session.fetch("SELECT count(*) FROM face WHERE embedding_model = \(embeddingModel)", as: Int.self).first
        }
        return (counted ?? nil) ?? 0
    }

    func search(_ query: [Float], k: Int, excluding: Set<Int64>) throws -> [Neighbor] {
        try nearest(query, limit: k, minSimilarity: nil, excluding: excluding)
    }

    func search(_ query: [Float], minSimilarity: Float, limit: Int, excluding: Set<Int64>) throws -> [Neighbor] {
        try nearest(query, limit: limit, minSimilarity: minSimilarity, excluding: excluding)
    }

    private func nearest(_ query: [Float], limit: Int, minSimilarity: Float?, excluding: Set<Int64>) throws -> [Neighbor] {
        guard query.count == dimensions, limit > 0 else { return [] }
        let excluded = Array(excluding)
        return try database.transaction(isolation: "READ ONLY") { session in
            // The planner's row estimate says whether the graph is worth it; exact below.
            let estimate = try session.fetch("SELECT reltuples::bigint FROM pg_class WHERE oid = 'face'::regclass", as: Int64.self)
            let useGraph = (estimate.first ?? 0) >= Int64(Self.exactBelow) && dimensions <= PostgresVectorIndexes.maxIndexedDimensions
            // Over the indexed expression `embedding::vector(n)` the graph serves the order; over
            // the bare column, the scan is exact.
            let column = useGraph ? "embedding::vector(\(dimensions))" : "embedding"
            if useGraph {
                try PostgresVectorIndexes.prepareSearch(limit: limit, in: session)
            }
            let rows = try session.fetch(
                """
                WITH nearest AS MATERIALIZED (
                    SELECT id, \(unescaped: column) <=> \(query)::real[]::vector(\(unescaped: String(dimensions))) AS distance
                    FROM face
                    WHERE embedding_model = \(embeddingModel) AND dimensions = \(dimensions) AND NOT (id = ANY(\(excluded)))
                    ORDER BY distance LIMIT \(limit))
                SELECT id, distance FROM nearest ORDER BY distance, id
                """, as: (Int64, Double).self)
            let neighbors = rows.map { Neighbor(id: $0.0, similarity: Float(1 - $0.1)) }
            guard let minSimilarity else { return neighbors }
            return neighbors.filter { $0.similarity >= minSimilarity }
        }
    }
}
