import VisageCore

public extension RGBImage {
    /// The square `region` (which may reach past the edges) scaled to `side` x `side` pixels,
    /// black where it leaves the image. For face thumbnails in a UI.
    func squareCrop(_ region: BoundingBox, side: Int) throws -> RGBImage {
        let scale = Double(side) / max(region.width, 1)
        let inside = region.clamped(width: Double(width), height: Double(height))
        guard inside.width >= 1, inside.height >= 1 else { return RGBImage(width: side, height: side) }
        let crop = cropped(to: inside)
        // libvips' resize averages when shrinking, so a large face does not alias.
        let scaledWidth = min(side, max(1, Int((Double(crop.width) * scale).rounded())))
        let scaledHeight = min(side, max(1, Int((Double(crop.height) * scale).rounded())))
        let scaled = try crop.resized(width: scaledWidth, height: scaledHeight)
        var canvas = RGBImage(width: side, height: side)
        let left = min(side - scaledWidth, max(0, Int(((inside.x - region.x) * scale).rounded())))
        let top = min(side - scaledHeight, max(0, Int(((inside.y - region.y) * scale).rounded())))
        for row in 0..<scaledHeight {
            let target = ((top + row) * side + left) * 3
            let source = row * scaledWidth * 3
            canvas.pixels.replaceSubrange(target..<target + scaledWidth * 3, with: scaled.pixels[source..<source + scaledWidth * 3])
        }
        return canvas
    }
}
