import ArgumentParser
import Dispatch
import Foundation
import VisageANN
import VisagePostgres
import VisageSearch

/// Times nearest-neighbour search at photo-library scale: the exact scan and the HNSW index on
/// the same vectors in the same run, with the ANN's recall@k against the exact results, build,
/// save and reload times, and each index's resident memory. Prints figures; asserts nothing.
struct BenchSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-search",
        abstract: "Time exact and HNSW vector search: build, save and reload time, query latency, recall and memory.")

    enum Distribution: String, ExpressibleByArgument, CaseIterable {
        /// Faces of people: identities spread over a 32-dimensional subspace, about 20 faces each
        /// around their identity (same-person cosine about 0.64), as face embeddings cluster.
        case faces
        /// Independent uniform directions: no structure at all, the hardest case for a graph.
        case uniform
    }

    @Option(parsing: .upToNextOption, help: "Index sizes (vectors) to measure.")
    var count: [Int] = [100_000, 1_000_000]

    @Option(parsing: .upToNextOption, help: "Vector dimensions, each measured in turn.")
    var dimensions: [Int] = [512, 128]

    @Option(help: "Vectors: faces (clustered like face embeddings) or uniform (no structure).")
    var data: Distribution = .faces

    @Option(help: "Timed queries per index size.")
    var queries: Int = 200

    @Option(help: "Neighbours returned per query.")
    var k: Int = 10

    @Option(help: "Threads a large scan, or a graph build, is split across.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "HNSW candidates per search (VISAGE_HNSW_EF_SEARCH).")
    var efSearch: Int = HNSWParameters().efSearch

    @Option(help: "HNSW links per node.")
    var m: Int = HNSWParameters().m

    @Option(help: "HNSW candidates per insert.")
    var efConstruction: Int = HNSWParameters().efConstruction

    @Flag(help: "Measure the exact scan only (the figures before the ANN index); with --postgres, the exact scan and pgvector.")
    var exactOnly = false

    @Option(help: "Also load the vectors into a new database on this PostgreSQL server (postgres://...) and search them with pgvector.")
    var postgres: String?

    @Option(help: "maintenance_work_mem for the pgvector index build (pgvector builds in memory while the graph fits).")
    var pgMaintenanceWorkMem = "2GB"

    @Option(help: "Parallel workers helping the pgvector index build (default: --threads - 1).")
    var pgParallelWorkers: Int?

    func validate() throws {
        guard dimensions.allSatisfy({ $0 > 0 }), queries > 0, k > 0, threads > 0, count.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--count, --dimensions, --queries, --k and --threads must be positive")
        }
        guard efSearch >= 1, m >= 2, efConstruction >= 1 else {
            throw ValidationError("--ef-search, --m and --ef-construction must be positive (--m at least 2)")
        }
        if let postgres {
            do { _ = try PostgresURL(parsing: postgres) } catch { throw ValidationError("--postgres: \(error)") }
        }
        guard (pgParallelWorkers ?? 0) >= 0, !pgMaintenanceWorkMem.isEmpty else {
            throw ValidationError("--pg-parallel-workers can't be negative, --pg-maintenance-work-mem can't be empty")
        }
    }

    func run() throws {
        let parameters = HNSWParameters(
            m: m, efConstruction: efConstruction, efSearch: efSearch, exactBelow: 0, threads: threads)
        for dimension in dimensions {
            print(
                "\(dimension)-d float32 \(data.rawValue) vectors, k=\(k), \(queries) queries, \(threads) threads; "
                    + "HNSW M=\(m) ef_construction=\(efConstruction) ef_search=\(efSearch)")
            print(
                "     vectors  index   build s   save s  reload s   p50 ms   p99 ms  recall@\(k)   raw MB   resident MB  x raw")
            for size in count {
                try measure(size: size, dimensions: dimension, parameters: parameters)
            }
        }
    }

    private func measure(size: Int, dimensions: Int, parameters: HNSWParameters) throws {
        let rawBytes = Double(size * dimensions * MemoryLayout<Float>.size)
        let queryVectors = VectorStream(distribution: data, dimensions: dimensions, size: size, seed: 1).queries(queries)

        // Each index is released before the next is built, so resident memory is its own.
        var exactResults: [[Int64]] = []
        let exactLatency: Latency
        do {
            let before = ResidentMemory.bytes()
            let exact = ExactVectorIndex(dimensions: dimensions, capacity: size, threads: threads)
            let build = try fill(exact, size: size, dimensions: dimensions)
            let resident = ResidentMemory.bytes() - before
            let (latency, results) = try time(exact, queryVectors)
            (exactResults, exactLatency) = (results, latency)
            printRow(size, "exact", build, nil, nil, latency, nil, rawBytes, resident)
        }
        if let postgres {
            try measurePostgres(
                server: try PostgresURL(parsing: postgres), size: size, dimensions: dimensions, queries: queryVectors,
                exact: (exactResults, exactLatency))
        }
        guard !exactOnly else { return }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-bench-search-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("index.hnsw").path
        let buildSeconds: Double, saveSeconds: Double
        do {
            let hnsw = HNSWVectorIndex(dimensions: dimensions, capacity: size, parameters: parameters)
            buildSeconds = try fill(hnsw, size: size, dimensions: dimensions)
            // Saving inserts the last partial batch first: that insert is counted in the save.
            saveSeconds = try Self.seconds { try hnsw.save(to: path) }
        }
        let before = ResidentMemory.bytes()
        var reloaded: HNSWVectorIndex?
        let reloadSeconds = try Self.seconds {
            reloaded = try HNSWVectorIndex(loading: path, dimensions: dimensions, capacity: size, parameters: parameters)
        }
        let resident = ResidentMemory.bytes() - before
        let (latency, results) = try time(reloaded!, queryVectors)
        printRow(size, "hnsw", buildSeconds, saveSeconds, reloadSeconds, latency, Self.recall(results, exactResults), rawBytes, resident)
    }

    /// Upserts `size` vectors; only the index's time is counted, not making the vectors.
    private func fill(_ index: any VectorIndex, size: Int, dimensions: Int) throws -> Double {
        var stream = VectorStream(distribution: data, dimensions: dimensions, size: size, seed: 1)
        var seconds = 0.0
        var nextID: Int64 = 0
        while nextID < size {
            let batch = stream.next(min(10_000, size - Int(nextID)))
            seconds += try Self.seconds {
                for vector in batch {
                    try index.upsert(id: nextID, vector: vector)
                    nextID += 1
                }
            }
        }
        return seconds
    }

    /// The share of the exact neighbours found.
    static func recall(_ results: [[Int64]], _ exact: [[Int64]]) -> Double {
        var hits = 0
        for (found, truth) in zip(results, exact) { hits += Set(found).intersection(truth).count }
        return Double(hits) / Double(max(1, exact.reduce(0) { $0 + $1.count }))
    }

    private func time(_ index: any VectorIndex, _ queryVectors: [[Float]]) throws -> (Latency, [[Int64]]) {
        for query in queryVectors.prefix(3) { _ = try index.search(query, k: k) }  // warm caches and threads
        var latencies: [Double] = []
        var results: [[Int64]] = []
        for query in queryVectors {
            let start = DispatchTime.now().uptimeNanoseconds
            let found = try index.search(query, k: k)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            results.append(found.map(\.id))
        }
        return (Latency(latencies), results)
    }

    private func printRow(
        _ size: Int, _ name: String, _ build: Double, _ save: Double?, _ reload: Double?, _ latency: Latency,
        _ recall: Double?, _ raw: Double, _ resident: Double
    ) {
        func optional(_ value: Double?, _ width: Int, _ format: String) -> String {
            guard let value else { return String(repeating: " ", count: width - 1) + "-" }
            return String(format: "%\(width)\(format)", value)
        }
        print(
            String(format: "%12d  ", size) + name.padding(toLength: 5, withPad: " ", startingAt: 0)
                + String(format: "  %8.2f", build) + " " + optional(save, 8, ".2f") + " "
                + optional(reload, 9, ".2f")
                + String(format: "  %7.3f  %7.3f", latency.p50 * 1000, latency.p99 * 1000) + "  "
                + optional(recall, 9, ".4f")
                + String(format: "  %7.0f  %12.0f  %5.2f", raw / 1e6, resident / 1e6, resident / raw))
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// The benchmark's vectors, the same for every index of a run (same seed), made in batches.
/// Queries come from the same distribution but are never inserted: new photos of known people.
struct VectorStream {
    let distribution: BenchSearchCommand.Distribution
    let dimensions: Int
    private var random: VectorSource
    /// Identity centres (faces): unit vectors in a random 32-dimensional subspace.
    private var centres: [[Float]] = []

    static let facesPerIdentity = 20
    static let latentDimensions = 32
    /// Noise per face relative to its unit centre: same-person cosine about 1 / (1 + 0.75^2).
    static let noise: Float = 0.75

    init(distribution: BenchSearchCommand.Distribution, dimensions: Int, size: Int, seed: UInt64) {
        self.distribution = distribution
        self.dimensions = dimensions
        random = VectorSource(seed: seed)
        guard distribution == .faces else { return }
        let basis = (0..<Self.latentDimensions).map { _ in (0..<dimensions).map { _ in random.uniform() } }
        centres = (0..<max(1, size / Self.facesPerIdentity)).map { _ in
            var centre = [Float](repeating: 0, count: dimensions)
            for row in basis {
                let weight = random.uniform()
                for index in centre.indices { centre[index] += weight * row[index] }
            }
            return Self.normalised(centre)
        }
    }

    mutating func next(_ count: Int) -> [[Float]] {
        (0..<count).map { _ in nextVector() }
    }

    /// Queries from a stream of their own (another seed), so they are never stored vectors.
    func queries(_ count: Int) -> [[Float]] {
        var copy = self
        copy.random = VectorSource(seed: 0x5eed_0f_9e7)
        return copy.next(count)
    }

    private mutating func nextVector() -> [Float] {
        switch distribution {
        case .uniform:
            return random.unitVector(dimensions)
        case .faces:
            let draw = Int((random.uniform() + 1) / 2 * Float(centres.count))
            let centre = centres[min(max(draw, 0), centres.count - 1)]
            // Uniform noise of variance 1/3 per lane, scaled to `noise` in norm.
            let scale = Self.noise * (3 / Float(dimensions)).squareRoot()
            return Self.normalised(centre.map { $0 + scale * random.uniform() })
        }
    }

    private static func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}
