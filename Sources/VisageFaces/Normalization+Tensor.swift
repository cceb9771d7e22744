import VisageImaging
import VisageModels

/// How a model wants its pixels is manifest data (`Normalization`: channel order, mean, std);
/// this is how the pipeline applies it.
extension Normalization {
    /// The normalised value a black (0) pixel becomes: what padding must be filled with.
    var paddingValue: Float { (0 - mean) / std }

    /// Writes `image` into a planar (CHW) float buffer of a `canvasWidth` x `canvasHeight`
    /// tensor starting at `offset`, top-left aligned. The rest of the canvas is left untouched.
    func write(_ image: RGBImage, into data: inout [Float], offset: Int, canvasWidth: Int, canvasHeight: Int) {
        let plane = canvasWidth * canvasHeight
        let sourceChannel: [Int] = colorOrder == .rgb ? [0, 1, 2] : [2, 1, 0]
        let scale = 1 / std, shift = -mean / std
        let rows = min(image.height, canvasHeight), columns = min(image.width, canvasWidth)
        image.pixels.withUnsafeBufferPointer { pixels in
            data.withUnsafeMutableBufferPointer { tensor in
                for channel in 0..<3 {
                    let source = sourceChannel[channel]
                    let planeStart = offset + channel * plane
                    for y in 0..<rows {
                        let rowStart = y * image.width * 3
                        let outStart = planeStart + y * canvasWidth
                        for x in 0..<columns {
                            tensor[outStart + x] = Float(pixels[rowStart + x * 3 + source]) * scale + shift
                        }
                    }
                }
            }
        }
    }
}
