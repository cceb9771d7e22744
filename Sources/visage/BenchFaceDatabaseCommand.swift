import ArgumentParser
import Dispatch
import Foundation
import GRDB
import VisageSQLite
import VisageStorage

/// Times seed 002's face-database search in the storage layer at scale: a collection of
/// synthetic faces (people whose embeddings scatter around a centre, one face per image) in a
/// real SQLite file, searched through `SQLiteFaceCollections`, against a baseline that scans the
/// file's embeddings for every query (what a database without a vector index does). Prints
/// figures; asserts nothing.
struct BenchFaceDatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-facedb",
        abstract: "Time face-database search (storage layer, SQLite + vector index) against a scan of the file.")

    @Option(parsing: .upToNextOption, help: "Collection sizes (faces) to measure.")
    var count: [Int] = [100_000, 1_000_000]

    @Option(help: "Embedding dimensions (128: the lite pack's embedder; 512: ArcFace-family).")
    var dimensions: Int = 128

    @Option(help: "Faces per synthetic person.")
    var facesPerPerson: Int = 20

    @Option(help: "Timed queries per size.")
    var queries: Int = 200

    @Option(help: "Queries timed on the scan baseline (it is slow).")
    var baselineQueries: Int = 5

    @Option(help: "Matches returned per query face.")
    var topK: Int = 10

    @Option(help: "Threshold of the threshold search (cosine similarity).")
    var minSimilarity: Float = 0.5

    @Option(help: "Folder for the SQLite files (default: the system's temporary folder).")
    var directory: String?

    func validate() throws {
        guard dimensions > 0, queries > 0, baselineQueries >= 0, topK > 0, facesPerPerson > 0, count.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--count, --dimensions, --queries, --top-k and --faces-per-person must be positive")
        }
    }

    func run() throws {
        print("face database search, \(dimensions)-d, \(facesPerPerson) faces per person, \(queries) queries (baseline: \(baselineQueries))")
        print("     faces  insert/s  open s  top-\(topK) p50 ms  p99 ms  threshold p50 ms  p99 ms  matches  right person  scan p50 ms  scan/index")
        for size in count {
            let figures = try measure(size: size)
            print(
                String(
                    format: "%10d  %8.0f  %6.2f  %13.2f  %6.2f  %16.2f  %6.2f  %7.1f  %12.3f  %11.1f  %10.1f",
                    size, figures.insertsPerSecond, figures.openSeconds, figures.topK.p50 * 1000, figures.topK.p99 * 1000,
                    figures.threshold.p50 * 1000, figures.threshold.p99 * 1000, figures.meanMatches, figures.rightPerson,
                    figures.scanP50 * 1000, figures.scanP50 / figures.topK.p50))
        }
    }

    private struct Figures {
        var insertsPerSecond: Double
        var openSeconds: Double
        var topK: Latency
        var threshold: Latency
        var meanMatches: Double
        var rightPerson: Double
        var scanP50: Double
    }

    private func measure(size: Int) throws -> Figures {
        let folder = URL(fileURLWithPath: directory ?? NSTemporaryDirectory()).appendingPathComponent("visage-bench-facedb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("visage.sqlite").path
        var random = VectorSource(seed: 2)
        let people = max(1, size / facesPerPerson)
        let centers = (0..<people).map { _ in random.unitVector(dimensions) }
        // Uniform noise of this amplitude puts a face at cosine ~0.78 from its centre, so two
        // faces of one person sit near 0.6: the spread of real same-person pairs.
        let amplitude = Float(0.8 / (Double(dimensions) / 3).squareRoot())

        var insertSeconds = 0.0
        do {
            let collections = try SQLiteFaceCollections(store: try SQLiteFaceStore(path: path))
            var next = 0
            while next < size {
                let batch = (next..<min(size, next + 10_000)).map { index in
                    NewCollectionImage(
                        collection: "bench", imageID: "image-\(index)", file: "photos/\(index).jpg", width: 1000, height: 1000,
                        embeddingModel: "bench",
                        faces: [
                            NewCollectionFace(
                                box: .init(x: 100, y: 100, width: 200, height: 200), confidence: 0.99,
                                embedding: random.near(centers[index % people], amplitude: amplitude))
                        ])
                }
                insertSeconds += try Self.seconds { _ = try collections.add(batch) }
                next += batch.count
            }
        }

        // Reopening rebuilds the index from the file: what a restart costs.
        var collections: SQLiteFaceCollections!
        let openSeconds = try Self.seconds { collections = try SQLiteFaceCollections(store: try SQLiteFaceStore(path: path)) }

        let queryPeople = (0..<queries).map { _ in Int(random.uniform().magnitude * Float(people - 1)) }
        let queryVectors = queryPeople.map { random.near(centers[$0], amplitude: amplitude) }
        for vector in queryVectors.prefix(3) {  // warm caches and threads
            _ = try collections.search(collection: "bench", model: "bench", queries: [vector], minSimilarity: -1, limit: topK)
        }
        var topKSeconds: [Double] = [], thresholdSeconds: [Double] = [], matches = 0, right = 0
        for (person, vector) in zip(queryPeople, queryVectors) {
            topKSeconds.append(
                try Self.seconds {
                    _ = try collections.search(collection: "bench", model: "bench", queries: [vector], minSimilarity: -1, limit: topK)
                })
            var found: [CollectionMatch] = []
            thresholdSeconds.append(
                try Self.seconds {
                    found = try collections.search(collection: "bench", model: "bench", queries: [vector], minSimilarity: minSimilarity, limit: 1000)[
                        0]
                })
            matches += found.count
            // Image i shows person i % people.
            right += found.filter { Int($0.imageID.dropFirst("image-".count))! % people == person }.count
        }

        let file = try DatabaseQueue(path: path)
        let scanSeconds = try queryVectors.prefix(baselineQueries).map { vector in
            try Self.seconds { _ = try Self.scan(file, query: vector, k: topK) }
        }
        return Figures(
            insertsPerSecond: Double(size) / insertSeconds, openSeconds: openSeconds, topK: Latency(topKSeconds),
            threshold: Latency(thresholdSeconds), meanMatches: Double(matches) / Double(queries),
            rightPerson: matches == 0 ? 0 : Double(right) / Double(matches),
            scanP50: scanSeconds.isEmpty ? .nan : Latency(scanSeconds).p50)
    }

    /// The baseline: read every embedding of the collection from SQLite and keep the best `k`,
    /// as a face table without a vector index must for each query.
    private static func scan(_ file: DatabaseQueue, query: [Float], k: Int) throws -> [(Int64, Float)] {
        try file.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.id, f.embedding FROM collection_face f JOIN collection_image i ON i.id = f.image_row_id
                    WHERE i.collection = 'bench' AND f.embedding_model = 'bench'
                    """)
            var best: [(Int64, Float)] = []
            while let row = try rows.next() {
                let blob: Data = row[1]
                let similarity = blob.withUnsafeBytes { bytes in
                    var sum: Float = 0
                    for index in query.indices { sum += query[index] * bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self) }
                    return sum
                }
                if best.count < k || similarity > best[best.count - 1].1 {
                    best.append((row[0], similarity))
                    best.sort { $0.1 > $1.1 }
                    if best.count > k { best.removeLast() }
                }
            }
            return best
        }
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
