/// The dot product candidates are re-ranked with: eight lanes at a time, then the tail.
enum VectorMath {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        var sum = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            // Product and sum written apart: no fused multiply-add on the baseline x86-64 target.
            let product =
                rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            sum += product
            index += 8
        }
        var total = sum.sum()
        while index < count {
            total += a[index] * b[index]
            index += 1
        }
        return total
    }
}
