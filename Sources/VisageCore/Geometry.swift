/// A point in image pixels (x to the right, y down), in displayed-image coordinates unless a
/// type says otherwise.
public struct Point: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned box: top-left corner and size, in pixels.
public struct BoundingBox: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var area: Double { max(0, width) * max(0, height) }
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// Intersection over union, 0 for disjoint boxes.
    public func iou(_ other: BoundingBox) -> Double {
        let overlapWidth = min(maxX, other.maxX) - max(x, other.x)
        let overlapHeight = min(maxY, other.maxY) - max(y, other.y)
        guard overlapWidth > 0, overlapHeight > 0 else { return 0 }
        let intersection = overlapWidth * overlapHeight
        return intersection / (area + other.area - intersection)
    }

    /// The same box with every coordinate multiplied by `factor`.
    public func scaled(by factor: Double) -> BoundingBox {
        BoundingBox(x: x * factor, y: y * factor, width: width * factor, height: height * factor)
    }

    /// The part of the box inside a `width` x `height` image.
    public func clamped(width imageWidth: Double, height imageHeight: Double) -> BoundingBox {
        let left = min(max(x, 0), imageWidth), top = min(max(y, 0), imageHeight)
        let right = min(max(maxX, 0), imageWidth), bottom = min(max(maxY, 0), imageHeight)
        return BoundingBox(x: left, y: top, width: right - left, height: bottom - top)
    }
}
