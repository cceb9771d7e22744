import VisageImaging
import VisageModels

/// How a model wants its pixels is manifest data (`Normalization`: channel order, mean, std);
/// this is how the pipeline applies it.
extension Normalization {
    /// The normalised value a black (0) pixel becomes in each input channel: what padding must be
    /// filled with.
    var paddingValues: [Float] { zip(mean, std).map { (0 - $0) / $1 } }

    /// A planar (CHW) canvas of `width` x `height`, every pixel black (padding).
    func blankCanvas(width: Int, height: Int) -> [Float] {
        let plane = width * height, padding = paddingValues
        var data = [Float](repeating: padding[0], count: 3 * plane)
        // Face models use one value for all channels; only per-channel models need the other planes.
        for channel in 1..<3 where padding[channel] != padding[0] {
            data.replaceSubrange(channel * plane..<(channel + 1) * plane, with: repeatElement(padding[channel], count: plane))
        }
        return data
    }

    /// Writes `image` into a planar (CHW) float buffer of a `canvasWidth` x `canvasHeight`
    /// tensor starting at `offset`, top-left aligned. The rest of the canvas is left untouched.
    func write(_ image: RGBImage, into data: inout [Float], offset: Int, canvasWidth: Int, canvasHeight: Int) {
        let plane = canvasWidth * canvasHeight
        let sourceChannel: [Int] = colorOrder == .rgb ? [0, 1, 2] : [2, 1, 0]
        let rows = min(image.height, canvasHeight), columns = min(image.width, canvasWidth)
        image.pixels.withUnsafeBufferPointer { pixels in
            data.withUnsafeMutableBufferPointer { tensor in
                for channel in 0..<3 {
                    let source = sourceChannel[channel]
                    let scale = 1 / std[channel], shift = -mean[channel] / std[channel]
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
