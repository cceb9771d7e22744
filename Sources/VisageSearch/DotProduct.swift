/// Dot products over rows padded to a multiple of 16 floats, so the loop needs no scalar tail.
enum DotProduct {
    /// Floats per SIMD step; row strides are rounded up to this.
    static let lanes = 16

    static func paddedLength(_ dimensions: Int) -> Int {
        (dimensions + lanes - 1) / lanes * lanes
    }

    /// `a` and `b` point at `length` floats, `length` a multiple of 16.
    ///
    /// Two independent accumulators let consecutive multiply-adds overlap. The product and the sum
    /// are written separately on purpose: `addingProduct` asks for a fused multiply-add, which
    /// the baseline x86-64 target lacks and would turn into a call to `fmaf` per lane.
    @inline(__always)
    static func compute(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, length: Int) -> Float {
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        let step = lanes * MemoryLayout<Float>.stride
        var first = SIMD16<Float>(), second = SIMD16<Float>()
        var offset = 0
        let end = length * MemoryLayout<Float>.stride
        while offset + 2 * step <= end {
            first +=
                rawA.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            second +=
                rawA.loadUnaligned(fromByteOffset: offset + step, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset + step, as: SIMD16<Float>.self)
            offset += 2 * step
        }
        if offset < end {
            first +=
                rawA.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
        }
        return (first + second).sum()
    }
}
