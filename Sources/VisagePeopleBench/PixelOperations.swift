import Foundation
import VisageCore
import VisageImaging

/// The pixel work behind `Degradation`, on the pipeline's interleaved RGB buffers.
extension RGBImage {
    /// Each channel value replaced through a 256-entry table.
    func mappingValues(_ table: [UInt8]) -> RGBImage {
        RGBImage(width: width, height: height, pixels: pixels.map { table[Int($0)] })
    }

    /// Rec. 601 luma in all three channels.
    func greyscale() -> RGBImage {
        var out = pixels
        for i in stride(from: 0, to: out.count, by: 3) {
            let luma = (299 * Int(pixels[i]) + 587 * Int(pixels[i + 1]) + 114 * Int(pixels[i + 2]) + 500) / 1000
            out[i] = UInt8(luma)
            out[i + 1] = UInt8(luma)
            out[i + 2] = UInt8(luma)
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// `box` (clamped to the image) filled with `colour`.
    func covering(_ box: BoundingBox, with colour: [UInt8]) -> RGBImage {
        var out = pixels
        let x0 = max(0, Int(box.x.rounded())), y0 = max(0, Int(box.y.rounded()))
        let x1 = min(width, Int((box.x + box.width).rounded())), y1 = min(height, Int((box.y + box.height).rounded()))
        guard x0 < x1, y0 < y1 else { return self }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = (y * width + x) * 3
                out[i] = colour[0]
                out[i + 1] = colour[1]
                out[i + 2] = colour[2]
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Gaussian noise of standard deviation `sigma`, clamped to 0...255.
    func withNoise(sigma: Double, using random: inout BenchRandom) -> RGBImage {
        RGBImage(width: width, height: height, pixels: pixels.map { UInt8(clamping: Int((Double($0) + random.gaussian() * sigma).rounded())) })
    }

    /// A Gaussian blur approximated by three box blurs (the variance of three boxes of width w
    /// is 3 (w^2 - 1) / 12, so w = sqrt(4 sigma^2 + 1)), each separable and done with running sums.
    func gaussianBlurred(sigma: Double) -> RGBImage {
        // Range-checked before Int(_:), which traps on NaN, infinities and overflow.
        guard sigma.isFinite, sigma > 0 else { return self }
        let radius = Int((((4 * min(sigma, 10_000) * min(sigma, 10_000) + 1).squareRoot() - 1) / 2 + 0.5))
        guard radius > 0 else { return self }
        var values = pixels.map(Int32.init)
        for _ in 0..<3 {
            values = Self.boxPass(values, count: height, length: width, stride: 3, lineStride: width * 3, radius: radius)
            values = Self.boxPass(values, count: width, length: height, stride: width * 3, lineStride: 3, radius: radius)
        }
        return RGBImage(width: width, height: height, pixels: values.map { UInt8(clamping: $0) })
    }

    /// One box blur along `count` lines of `length` pixels, edges repeated.
    private static func boxPass(_ input: [Int32], count: Int, length: Int, stride: Int, lineStride: Int, radius: Int) -> [Int32] {
        var output = input
        let window = Int32(2 * radius + 1)
        for line in 0..<count {
            let start = line * lineStride
            for channel in 0..<3 {
                func at(_ i: Int) -> Int32 { input[start + min(max(i, 0), length - 1) * stride + channel] }
                var sum: Int32 = 0
                for i in -radius...radius { sum += at(i) }
                for i in 0..<length {
                    output[start + i * stride + channel] = (sum + window / 2) / window
                    sum += at(i + radius + 1) - at(i - radius)
                }
            }
        }
        return output
    }
}
