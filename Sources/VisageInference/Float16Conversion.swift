import VisageCore

/// Float <-> IEEE half conversion for models whose tensors are float16.
enum Float16Conversion {
    #if os(macOS) && arch(x86_64)
    // Swift has no Float16 on Intel Macs; Visage's servers are Linux, so we refuse rather than
    // carry a hand-written converter.
    static func halfBits(_ values: [Float]) throws -> [UInt16] { throw unsupported }
    static func floats(fromHalfBits bits: UnsafeBufferPointer<UInt16>) throws -> [Float] { throw unsupported }
    private static var unsupported: VisageError {
        VisageError(.inferenceFailed, "float16 models are not supported on Intel macOS")
    }
    #else
    static func halfBits(_ values: [Float]) throws -> [UInt16] {
        values.map { Float16($0).bitPattern }
    }

    static func floats(fromHalfBits bits: UnsafeBufferPointer<UInt16>) throws -> [Float] {
        bits.map { Float(Float16(bitPattern: $0)) }
    }
    #endif
}
