import VisageCore

/// A box in whole pixels of the full-size, upright image, written `[xmin, ymin, xmax, ymax]` as
/// seed 001 writes boxes: the smallest pixel rectangle holding the detected box, inside the image.
public struct PixelBox: Sendable, Hashable, Encodable {
    public let xMin: Int, yMin: Int, xMax: Int, yMax: Int

    public init(xMin: Int, yMin: Int, xMax: Int, yMax: Int) {
        (self.xMin, self.yMin, self.xMax, self.yMax) = (xMin, yMin, xMax, yMax)
    }

    /// `box` widened to whole pixels and cut to a `width` x `height` image; at least one pixel.
    public init(covering box: BoundingBox, width: Int, height: Int) {
        let left = min(max(Int(box.x.rounded(.down)), 0), width - 1)
        let top = min(max(Int(box.y.rounded(.down)), 0), height - 1)
        let right = max(min(Int(box.maxX.rounded(.up)), width), left + 1)
        let bottom = max(min(Int(box.maxY.rounded(.up)), height), top + 1)
        self.init(xMin: left, yMin: top, xMax: right, yMax: bottom)
    }

    public var width: Int { xMax - xMin }
    public var height: Int { yMax - yMin }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode([xMin, yMin, xMax, yMax])
    }
}
