/// Separable resampling for detector inputs, in Swift so the result is the same on every
/// machine: area averaging when shrinking (each output pixel is the mean of the source area it
/// covers, so nothing aliases) and bilinear interpolation when enlarging. These are the
/// filters the detectors' reference pipelines used (OpenCV's INTER_AREA / INTER_LINEAR), so
/// landmarks come out where the models expect them.
public extension RGBImage {
    func resampled(width newWidth: Int, height newHeight: Int) -> RGBImage {
        if newWidth == width && newHeight == height { return self }
        if newWidth > width && newHeight > height { return enlargedBilinear(width: newWidth, height: newHeight) }
        let columns = ResampleTable(source: width, destination: newWidth)
        let rows = ResampleTable(source: height, destination: newHeight)
        // Horizontal pass: height x newWidth x 3 floats.
        var horizontal = [Float](repeating: 0, count: height * newWidth * 3)
        let sourceWidth = width
        pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { out in
                columns.withBuffers { starts, indices, weights in
                    for y in 0..<height {
                        let rowIn = source.baseAddress! + y * sourceWidth * 3
                        let rowOut = out.baseAddress! + y * newWidth * 3
                        for x in 0..<newWidth {
                            var r: Float = 0, g: Float = 0, b: Float = 0
                            for tap in starts[x]..<starts[x + 1] {
                                let p = rowIn + indices[tap] * 3, weight = weights[tap]
                                r += weight * Float(p[0]); g += weight * Float(p[1]); b += weight * Float(p[2])
                            }
                            rowOut[x * 3] = r; rowOut[x * 3 + 1] = g; rowOut[x * 3 + 2] = b
                        }
                    }
                }
            }
        }
        // Vertical pass into 8-bit output, rounded like any 8-bit resize.
        var output = [UInt8](repeating: 0, count: newHeight * newWidth * 3)
        let stride = newWidth * 3
        var accumulator = [Float](repeating: 0, count: stride)
        horizontal.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                accumulator.withUnsafeMutableBufferPointer { sum in
                    rows.withBuffers { starts, indices, weights in
                        for y in 0..<newHeight {
                            for i in 0..<stride { sum[i] = 0 }
                            for tap in starts[y]..<starts[y + 1] {
                                let row = source.baseAddress! + indices[tap] * stride, weight = weights[tap]
                                for i in 0..<stride { sum[i] += weight * row[i] }
                            }
                            let rowOut = out.baseAddress! + y * stride
                            for i in 0..<stride { rowOut[i] = UInt8(min(255, max(0, sum[i] + 0.5))) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: output)
    }
}

/// For each output index d, the source indices and weights that make it:
/// `indices[starts[d]..<starts[d + 1]]` and the same range of `weights`.
struct ResampleTable {
    private(set) var starts: [Int] = [0]
    private(set) var indices: [Int] = []
    private(set) var weights: [Float] = []

    init(source: Int, destination: Int) {
        let ratio = Double(source) / Double(destination)
        for d in 0..<destination {
            if ratio >= 1 {
                // Area: source pixel i covers [i, i+1); output d covers [d*ratio, (d+1)*ratio).
                let begin = Double(d) * ratio, end = min(Double(d + 1) * ratio, Double(source))
                var i = Int(begin.rounded(.down))
                while Double(i) < end && i < source {
                    let overlap = min(Double(i + 1), end) - max(Double(i), begin)
                    if overlap > 1e-9 { indices.append(i); weights.append(Float(overlap / ratio)) }
                    i += 1
                }
            } else {
                // Bilinear with pixel centres at i + 0.5, edges clamped.
                let position = (Double(d) + 0.5) * ratio - 0.5
                var i0 = Int(position.rounded(.down))
                var fraction = position - Double(i0)
                if i0 < 0 { i0 = 0; fraction = 0 }
                if i0 >= source - 1 { i0 = source - 1; fraction = 0 }
                indices.append(i0); weights.append(Float(1 - fraction))
                if fraction > 0 { indices.append(i0 + 1); weights.append(Float(fraction)) }
            }
            starts.append(indices.count)
        }
    }

    /// The tables as raw buffers, for inner loops without bounds checks or reference counting.
    func withBuffers<T>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Float>) -> T) -> T {
        starts.withUnsafeBufferPointer { s in indices.withUnsafeBufferPointer { i in weights.withUnsafeBufferPointer { w in body(s, i, w) } } }
    }
}

extension RGBImage {
    /// Bilinear enlargement in OpenCV's 8-bit fixed-point arithmetic (11-bit weights, the
    /// vertical pass in 16-bit halves). Matching it bit for bit matters: detectors were tuned on
    /// OpenCV-resized inputs and small images are enlarged for every detection pass.
    func enlargedBilinear(width newWidth: Int, height newHeight: Int) -> RGBImage {
        let columns = FixedPointTaps(source: width, destination: newWidth)
        let rows = FixedPointTaps(source: height, destination: newHeight)
        let stride = newWidth * 3
        var horizontal = [Int32](repeating: 0, count: height * stride)
        pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let rowIn = y * width * 3, rowOut = y * stride
                    for x in 0..<newWidth {
                        let p0 = rowIn + columns.index[x] * 3, p1 = rowIn + min(columns.index[x] + 1, width - 1) * 3
                        let a0 = columns.weight0[x], a1 = columns.weight1[x]
                        for c in 0..<3 {
                            out[rowOut + x * 3 + c] = Int32(source[p0 + c]) * a0 + Int32(source[p1 + c]) * a1
                        }
                    }
                }
            }
        }
        var output = [UInt8](repeating: 0, count: newHeight * stride)
        horizontal.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                for y in 0..<newHeight {
                    let r0 = rows.index[y] * stride, r1 = min(rows.index[y] + 1, height - 1) * stride
                    let b0 = rows.weight0[y], b1 = rows.weight1[y]
                    for i in 0..<stride {
                        let v = (((source[r0 + i] >> 4) * b0) >> 16) + (((source[r1 + i] >> 4) * b1) >> 16)
                        out[y * stride + i] = UInt8(clamping: (v + 2) >> 2)
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: output)
    }
}

/// Source index and 11-bit fixed-point weights (sum 2048) per output index, computed in
/// single precision as OpenCV does.
struct FixedPointTaps {
    var index: [Int] = []
    var weight0: [Int32] = []
    var weight1: [Int32] = []

    init(source: Int, destination: Int) {
        let scale = Double(source) / Double(destination)
        for d in 0..<destination {
            var position = Float((Double(d) + 0.5) * scale - 0.5)
            var start = Int(position.rounded(.down))
            position -= Float(start)
            if start < 0 { start = 0; position = 0 }
            if start >= source - 1 { start = source - 1; position = 0 }
            index.append(start)
            weight0.append(Int32(((1 - position) * 2048).rounded(.toNearestOrEven)))
            weight1.append(Int32((position * 2048).rounded(.toNearestOrEven)))
        }
    }
}
