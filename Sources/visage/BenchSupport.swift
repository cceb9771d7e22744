import Foundation
import VisagePeopleBench

#if canImport(Glibc)
import Glibc
#endif

/// Random unit vectors, fast: 512 million floats for the 1M case would take a while through the
/// system generator. The people benchmark's SplitMix64; uniform in the cube, then normalised.
struct VectorSource {
    private var random: BenchRandom

    init(seed: UInt64) {
        random = BenchRandom(seed: seed)
    }

    private mutating func next() -> UInt64 {
        random.next()
    }

    /// Uniform in -1...1.
    mutating func uniform() -> Float {
        Float(Int32(truncatingIfNeeded: next() >> 32)) / Float(Int32.max)
    }

    /// `center` plus uniform noise of `amplitude` per dimension, normalised: a face of the person
    /// whose embeddings centre on `center`.
    mutating func near(_ center: [Float], amplitude: Float) -> [Float] {
        var vector = center.map { $0 + amplitude * uniform() }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for index in vector.indices { vector[index] /= norm }
        return vector
    }

    mutating func unitVector(_ dimensions: Int) -> [Float] {
        var vector = (0..<dimensions).map { _ in Float(Int32(truncatingIfNeeded: next() >> 32)) / Float(Int32.max) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for index in vector.indices { vector[index] /= norm }
        return vector
    }
}

/// The process's resident memory: now (VmRSS) on Linux, the peak elsewhere.
enum ResidentMemory {
    static func bytes() -> Double {
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
        #else
        var usage = rusage()
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss)  // bytes on Darwin
        #endif
    }
}

/// p50 and p99 of a list of timings (nearest rank).
struct Latency {
    var p50: Double
    var p99: Double

    init(_ seconds: [Double]) {
        let sorted = seconds.sorted()
        p50 = sorted[sorted.count / 2]
        p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
    }
}
