/// EXIF orientation (1...8): how the stored pixels must be turned to appear upright.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// Orientations 5...8 swap width and height when applied.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// Displayed size of an image stored as `width` x `height`.
    public func displayedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        swapsDimensions ? (height, width) : (width, height)
    }

    /// Maps a point in stored-pixel coordinates (of a `width` x `height` stored image) to
    /// displayed coordinates. Used for regions (e.g. XMP) recorded against the stored pixels.
    public func displayedPoint(x: Double, y: Double, storedWidth w: Double, storedHeight h: Double) -> (x: Double, y: Double) {
        switch self {
        case .up: return (x, y)
        case .upMirrored: return (w - x, y)
        case .down: return (w - x, h - y)
        case .downMirrored: return (x, h - y)
        case .leftMirrored: return (y, x)
        case .right: return (h - y, x)
        case .rightMirrored: return (h - y, w - x)
        case .left: return (y, w - x)
        }
    }
}
