import VisageCore

public extension RGBImage {
    /// Samples a `width` x `height` image whose pixel (x, y) comes from `transform.inverse`
    /// applied to (x, y) in this image, with bilinear interpolation and black outside.
    /// Follows OpenCV's warpAffine conventions (pixel centres on integers, 1/32-pixel weights,
    /// rounded 8-bit output) so embeddings match models trained on OpenCV-aligned crops.
    func warped(by transform: SimilarityTransform, width outWidth: Int, height outHeight: Int) -> RGBImage {
        let inverse = transform.inverse
        var output = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
        let srcWidth = width, srcHeight = height
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let sx = inverse.a * Double(x) - inverse.b * Double(y) + inverse.tx
                        let sy = inverse.b * Double(x) + inverse.a * Double(y) + inverse.ty
                        // Quantise to 1/32 pixel as OpenCV does (INTER_BITS = 5).
                        let qx = (sx * 32).rounded(), qy = (sy * 32).rounded()
                        let x0 = Int((qx / 32).rounded(.down)), y0 = Int((qy / 32).rounded(.down))
                        let fx = (qx - Double(x0) * 32) / 32, fy = (qy - Double(y0) * 32) / 32
                        let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
                        let inX0 = x0 >= 0 && x0 < srcWidth, inX1 = x0 + 1 >= 0 && x0 + 1 < srcWidth
                        let inY0 = y0 >= 0 && y0 < srcHeight, inY1 = y0 + 1 >= 0 && y0 + 1 < srcHeight
                        guard (inX0 || inX1) && (inY0 || inY1) else { continue }
                        let base = (y * outWidth + x) * 3
                        let row0 = y0 * srcWidth * 3, row1 = (y0 + 1) * srcWidth * 3
                        for channel in 0..<3 {
                            var value = 0.0
                            if inY0 && inX0 { value += w00 * Double(source[row0 + x0 * 3 + channel]) }
                            if inY0 && inX1 { value += w10 * Double(source[row0 + (x0 + 1) * 3 + channel]) }
                            if inY1 && inX0 { value += w01 * Double(source[row1 + x0 * 3 + channel]) }
                            if inY1 && inX1 { value += w11 * Double(source[row1 + (x0 + 1) * 3 + channel]) }
                            destination[base + channel] = UInt8(min(255, max(0, value.rounded())))
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: output)
    }

    /// The pixels inside `box` (clamped to the image), as a new image.
    func cropped(to box: BoundingBox) -> RGBImage {
        let clamped = box.clamped(width: Double(width), height: Double(height))
        let left = Int(clamped.x.rounded(.down)), top = Int(clamped.y.rounded(.down))
        let right = max(left + 1, Int(clamped.maxX.rounded(.up))), bottom = max(top + 1, Int(clamped.maxY.rounded(.up)))
        let cropWidth = min(right, width) - left, cropHeight = min(bottom, height) - top
        guard cropWidth > 0, cropHeight > 0 else { return RGBImage(width: 1, height: 1) }
        var output = [UInt8](repeating: 0, count: cropWidth * cropHeight * 3)
        for row in 0..<cropHeight {
            let sourceStart = ((top + row) * width + left) * 3
            output.replaceSubrange(
                row * cropWidth * 3..<(row + 1) * cropWidth * 3,
                with: pixels[sourceStart..<sourceStart + cropWidth * 3])
        }
        return RGBImage(width: cropWidth, height: cropHeight, pixels: output)
    }
}
