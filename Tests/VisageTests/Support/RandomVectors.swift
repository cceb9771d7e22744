/// Reproducible random unit vectors for search and store tests (SplitMix64: tiny, fast, and the
/// same sequence on every platform, unlike the system generator).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
