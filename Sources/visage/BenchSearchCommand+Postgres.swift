import Dispatch
import Foundation
import VisagePostgres

/// `bench-search --postgres`: the same vectors in a new database, the HNSW index built after the
/// load, the same queries through `PostgresFaceCollections.search` (a transaction per query, as
/// the server runs it), recall against the exact scan of this run and latency beside its.
extension BenchSearchCommand {
    func measurePostgres(
        server: PostgresURL, size: Int, dimensions: Int, queries: [[Float]], exact: (results: [[Int64]], latency: Latency)
    ) throws {
        let bench = try PostgresSearchBench(server: server)
        defer { bench.drop() }
        var stream = VectorStream(distribution: data, dimensions: dimensions, size: size, seed: 1)
        // About four million floats a statement: a few MB bound as one array.
        let batch = max(1, 4_000_000 / dimensions)
        var loadSeconds = 0.0
        var loaded = 0
        while loaded < size {
            let vectors = stream.next(min(batch, size - loaded))
            loadSeconds += try Self.seconds { try bench.load(vectors, first: loaded) }
            loaded += vectors.count
        }
        var settings: [(String, String)] = []
        let buildSeconds = try Self.seconds {
            settings = try bench.buildIndex(
                dimensions: dimensions, maintenanceWorkMem: pgMaintenanceWorkMem,
                parallelWorkers: pgParallelWorkers ?? max(0, threads - 1))
        }
        try bench.analyze()
        let scansBefore = try bench.indexScans(dimensions: dimensions)

        for query in queries.prefix(3) { _ = try search(bench, query) }  // warm the connection and caches
        var latencies: [Double] = []
        var results: [[Int64]] = []
        for query in queries {
            let start = DispatchTime.now().uptimeNanoseconds
            let found = try search(bench, query)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            results.append(found)
        }
        let latency = Latency(latencies)
        let scans = try bench.indexScans(dimensions: dimensions) - scansBefore
        let (facesBytes, indexBytes) = try bench.sizes(dimensions: dimensions)
        print(
            "    pgvector: " + settings.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
                + "; HNSW m=16 ef_construction=64 (pgvector's defaults), searched as the server does")
        print(
            String(
                format: "%12d  pgvec  load %.2f s  build %.2f s  p50 %.3f ms  p99 %.3f ms  recall@%d %.4f  "
                    + "table+indexes %.0f MB (HNSW %.0f MB)  exact p50 / pgvector p50 %.2f  index scans %d",
                size, loadSeconds, buildSeconds, latency.p50 * 1000, latency.p99 * 1000, k,
                Self.recall(results, exact.results), Double(facesBytes) / 1e6, Double(indexBytes) / 1e6,
                exact.latency.p50 / latency.p50, scans))
    }

    /// One query through the server's search path; the faces found, as positions in the load.
    private func search(_ bench: PostgresSearchBench, _ query: [Float]) throws -> [Int64] {
        let matches = try bench.collections.search(
            collection: PostgresSearchBench.collection, model: PostgresSearchBench.model, queries: [query], minSimilarity: -1,
            limit: k)
        return matches[0].compactMap { Int64($0.imageID) }
    }
}
