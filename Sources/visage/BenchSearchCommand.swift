import ArgumentParser
import Dispatch
import Foundation
import VisageSearch

/// Times exact nearest-neighbour search at photo-library scale, on random unit vectors. Prints
/// figures; asserts nothing.
struct BenchSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-search",
        abstract: "Time exact vector search: build time, query latency and memory per index size.")

    @Option(parsing: .upToNextOption, help: "Index sizes (vectors) to measure.")
    var count: [Int] = [100_000, 1_000_000]

    @Option(help: "Vector dimensions.")
    var dimensions: Int = 512

    @Option(help: "Timed queries per index size.")
    var queries: Int = 200

    @Option(help: "Neighbours returned per query.")
    var k: Int = 10

    @Option(help: "Threads a large scan is split across.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard dimensions > 0, queries > 0, k > 0, threads > 0, count.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--count, --dimensions, --queries, --k and --threads must be positive")
        }
    }

    func run() throws {
        print("exact search, \(dimensions)-d float32, k=\(k), \(queries) queries, \(threads) threads")
        print("     vectors   build s   p50 ms   p99 ms   scan GB/s   index MB   resident MB")
        var random = VectorSource(seed: 1)
        for size in count {
            // Each index is released before the next is built, so resident memory is its own.
            let figures = try measure(size: size, random: &random)
            print(
                String(
                    format: "%12d  %8.2f  %7.2f  %7.2f  %10.1f  %9.0f  %12.0f", size, figures.buildSeconds,
                    figures.p50 * 1000, figures.p99 * 1000, figures.indexBytes / figures.p50 / 1e9,
                    figures.indexBytes / 1e6, figures.residentBytes / 1e6))
        }
    }

    private struct Figures {
        var buildSeconds: Double
        var p50: Double
        var p99: Double
        var indexBytes: Double
        var residentBytes: Double
    }

    private func measure(size: Int, random: inout VectorSource) throws -> Figures {
        let index = ExactVectorIndex(dimensions: dimensions, capacity: size, threads: threads)
        // Vectors are made in batches outside the clock, so the build time is the index's alone.
        var buildSeconds = 0.0
        var nextID: Int64 = 0
        while nextID < size {
            let batch = (0..<min(10_000, size - Int(nextID))).map { _ in random.unitVector(dimensions) }
            let start = DispatchTime.now().uptimeNanoseconds
            for vector in batch {
                try index.upsert(id: nextID, vector: vector)
                nextID += 1
            }
            buildSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let resident = ResidentMemory.bytes()

        let queryVectors = (0..<queries).map { _ in random.unitVector(dimensions) }
        for query in queryVectors.prefix(3) { _ = index.search(query, k: k) }  // warm caches and threads
        var latencies: [Double] = []
        for query in queryVectors {
            let start = DispatchTime.now().uptimeNanoseconds
            let found = index.search(query, k: k)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            precondition(found.count == min(k, size))
        }
        let latency = Latency(latencies)
        return Figures(
            buildSeconds: buildSeconds, p50: latency.p50, p99: latency.p99,
            indexBytes: Double(size * dimensions * MemoryLayout<Float>.size), residentBytes: resident)
    }
}
