import VisagePeopleBench

/// Reproducible random numbers for search and store tests: the people benchmark's SplitMix64
/// (tiny, fast, and the same sequence on every platform, unlike the system generator).
typealias SeededRandom = BenchRandom

extension BenchRandom {
    /// Uniform in the cube, then normalised: not uniform on the sphere, which these tests don't need.
    mutating func unitVector(_ dimensions: Int) -> [Float] {
        let raw = (0..<dimensions).map { _ in Float.random(in: -1...1, using: &self) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }
}

func dot(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}
