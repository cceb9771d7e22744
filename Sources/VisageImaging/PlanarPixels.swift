/// How a model's input tensor holds an image: planar (CHW) floats, each plane fed by one of the
/// image's RGB channels through an affine map (`value * scale + shift`, the form a mean and std
/// take). The face pipeline and the semantic models share it; each turns its own configuration
/// (a pack's `Normalization`, CLIP's `preprocess_cfg.json`) into one of these.
public struct PlanarPixels: Sendable, Equatable {
    /// The RGB channel (0, 1, 2) each plane is read from: `[2, 1, 0]` for a BGR model.
    public let sourceChannels: [Int]
    public let scale: [Float]
    public let shift: [Float]

    /// `(value - mean) / std` per plane, on 8-bit values; `bgr` reverses the planes.
    public init(bgr: Bool, mean: [Float], std: [Float]) {
        precondition(mean.count == 3 && std.count == 3, "three channels")
        sourceChannels = bgr ? [2, 1, 0] : [0, 1, 2]
        scale = std.map { 1 / $0 }
        shift = zip(mean, std).map { -$0 / $1 }
    }

    /// `(value / 255 - mean) / std` per RGB plane: mean and std on the 0-1 scale, as CLIP's are.
    public init(unitMean mean: [Float], std: [Float]) {
        precondition(mean.count == 3 && std.count == 3, "three channels")
        sourceChannels = [0, 1, 2]
        scale = std.map { 1 / (255 * $0) }
        shift = zip(mean, std).map { -$0 / $1 }
    }

    /// What a black pixel becomes in each plane: what padding is filled with.
    public var padding: [Float] { shift }

    /// A canvas of `width` x `height`, every pixel black (padding).
    public func blankCanvas(width: Int, height: Int) -> [Float] {
        let plane = width * height
        var data = [Float](repeating: shift[0], count: 3 * plane)
        // Face models use one value for every plane; only per-channel ones need the others filled.
        for channel in 1..<3 where shift[channel] != shift[0] {
            data.replaceSubrange(channel * plane..<(channel + 1) * plane, with: repeatElement(shift[channel], count: plane))
        }
        return data
    }

    /// Writes `image` top-left into the `canvasWidth` x `canvasHeight` canvas that starts at
    /// `offset` in `data` (several images make a batch); the rest of the canvas is left as it is.
    public func write(_ image: RGBImage, into data: inout [Float], offset: Int, canvasWidth: Int, canvasHeight: Int) {
        let plane = canvasWidth * canvasHeight
        let rows = min(image.height, canvasHeight), columns = min(image.width, canvasWidth)
        image.pixels.withUnsafeBufferPointer { pixels in
            data.withUnsafeMutableBufferPointer { tensor in
                for channel in 0..<3 {
                    let source = sourceChannels[channel], scale = scale[channel], shift = shift[channel]
                    let planeStart = offset + channel * plane
                    for y in 0..<rows {
                        let rowStart = y * image.width * 3, outStart = planeStart + y * canvasWidth
                        for x in 0..<columns {
                            tensor[outStart + x] = Float(pixels[rowStart + x * 3 + source]) * scale + shift
                        }
                    }
                }
            }
        }
    }

    /// `image` scaled to fit `width` x `height` (up or down, keeping its aspect ratio, as the
    /// detectors' reference implementations do) and placed top-left on a black canvas. Boxes on
    /// the canvas map back to the image by dividing by `scale`.
    public func letterboxed(_ image: RGBImage, width: Int, height: Int) -> (scale: Double, data: [Float]) {
        let scale = min(Double(width) / Double(image.width), Double(height) / Double(image.height))
        let fittedWidth = max(1, min(width, Int((Double(image.width) * scale).rounded())))
        let fittedHeight = max(1, min(height, Int((Double(image.height) * scale).rounded())))
        var data = blankCanvas(width: width, height: height)
        write(image.resampled(width: fittedWidth, height: fittedHeight), into: &data, offset: 0, canvasWidth: width, canvasHeight: height)
        return (scale, data)
    }
}
