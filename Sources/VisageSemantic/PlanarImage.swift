import VisageImaging
import VisageInference
import VisageModels

/// How the semantic models' image inputs are written: `Normalization` (channel order, mean, std
/// per channel) applied to 8-bit RGB pixels into a planar (CHW) float buffer. The face pipeline
/// has its own copy in `VisageFaces`; a layer-3 module imports neither.
extension Normalization {
    /// The normalised value of a black pixel in each input channel (what padding is filled with).
    var paddingValues: [Float] { zip(mean, std).map { (0 - $0) / $1 } }

    /// A CHW canvas of `width` x `height` with every pixel black (padding).
    func blankPlanarCanvas(width: Int, height: Int) -> [Float] {
        let plane = width * height, padding = paddingValues
        var data = [Float](repeating: 0, count: 3 * plane)
        for channel in 0..<3 {
            data.replaceSubrange(channel * plane..<(channel + 1) * plane, with: repeatElement(padding[channel], count: plane))
        }
        return data
    }

    /// Writes `image` top-left into a CHW canvas of `canvasWidth` x `canvasHeight`, normalised.
    func writePlanar(_ image: RGBImage, into data: inout [Float], canvasWidth: Int, canvasHeight: Int) {
        let plane = canvasWidth * canvasHeight
        let sourceChannel: [Int] = colorOrder == .rgb ? [0, 1, 2] : [2, 1, 0]
        let rows = min(image.height, canvasHeight), columns = min(image.width, canvasWidth)
        image.pixels.withUnsafeBufferPointer { pixels in
            data.withUnsafeMutableBufferPointer { tensor in
                for channel in 0..<3 {
                    let source = sourceChannel[channel]
                    let scale = 1 / std[channel], shift = -mean[channel] / std[channel]
                    for y in 0..<rows {
                        let rowStart = y * image.width * 3, outStart = channel * plane + y * canvasWidth
                        for x in 0..<columns {
                            tensor[outStart + x] = Float(pixels[rowStart + x * 3 + source]) * scale + shift
                        }
                    }
                }
            }
        }
    }
}

/// An image scaled to fit a fixed model input (up or down, keeping its aspect ratio) and placed
/// top-left on a black canvas; boxes on the canvas map back to the image by dividing by `scale`.
struct LetterboxedInput {
    let scale: Double
    let tensor: Tensor

    init(_ image: RGBImage, size: InputSize, normalization: Normalization) throws {
        let scale = min(Double(size.width) / Double(image.width), Double(size.height) / Double(image.height))
        let width = max(1, min(size.width, Int((Double(image.width) * scale).rounded())))
        let height = max(1, min(size.height, Int((Double(image.height) * scale).rounded())))
        let resized = image.resampled(width: width, height: height)
        var data = normalization.blankPlanarCanvas(width: size.width, height: size.height)
        normalization.writePlanar(resized, into: &data, canvasWidth: size.width, canvasHeight: size.height)
        self.scale = scale
        tensor = try Tensor(shape: [1, 3, size.height, size.width], data: data)
    }
}
