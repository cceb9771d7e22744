import VisageCore

/// Rotation by a multiple of 90 degrees clockwise: lossless, for looking at sideways photos.
public enum QuarterTurn: Int, Sendable, CaseIterable {
    case none = 0, clockwise = 1, half = 2, counterClockwise = 3

    /// Where a point of the rotated image (of an original `width` x `height` image) was in the original.
    public func originalPoint(_ p: Point, width: Int, height: Int) -> Point {
        let w = Double(width), h = Double(height)
        switch self {
        case .none: return p
        case .clockwise: return Point(x: p.y, y: h - p.x)
        case .half: return Point(x: w - p.x, y: h - p.y)
        case .counterClockwise: return Point(x: w - p.y, y: p.x)
        }
    }
}

public extension RGBImage {
    func rotated(_ turn: QuarterTurn) -> RGBImage {
        guard turn != .none else { return self }
        let newWidth = turn == .half ? width : height, newHeight = turn == .half ? height : width
        var output = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                for y in 0..<newHeight {
                    for x in 0..<newWidth {
                        // Source pixel whose centre maps to this pixel's centre.
                        let (sx, sy): (Int, Int) =
                            switch turn {
                            case .clockwise: (y, height - 1 - x)
                            case .half: (width - 1 - x, height - 1 - y)
                            case .counterClockwise: (width - 1 - y, x)
                            case .none: (x, y)
                            }
                        let s = (sy * width + sx) * 3, d = (y * newWidth + x) * 3
                        out[d] = source[s]; out[d + 1] = source[s + 1]; out[d + 2] = source[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: output)
    }
}
