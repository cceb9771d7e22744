import VisageCore

/// A 2-D similarity (rotation, uniform scale, translation), stored as the affine matrix
/// [[a, -b, tx], [b, a, ty]] mapping source points to destination points.
public struct SimilarityTransform: Sendable, Equatable {
    public var a: Double
    public var b: Double
    public var tx: Double
    public var ty: Double

    public init(a: Double, b: Double, tx: Double, ty: Double) {
        self.a = a
        self.b = b
        self.tx = tx
        self.ty = ty
    }

    /// The least-squares similarity taking `source[i]` to `destination[i]` (Umeyama's estimate
    /// without reflection, which in 2-D has this closed form).
    public static func estimate(from source: [Point], to destination: [Point]) -> SimilarityTransform {
        precondition(source.count == destination.count && source.count >= 2, "need matching point pairs")
        let n = Double(source.count)
        let sourceMean = Point(x: source.map(\.x).reduce(0, +) / n, y: source.map(\.y).reduce(0, +) / n)
        let destinationMean = Point(x: destination.map(\.x).reduce(0, +) / n, y: destination.map(\.y).reduce(0, +) / n)
        var dot = 0.0, cross = 0.0, norm = 0.0
        for (s, d) in zip(source, destination) {
            let sx = s.x - sourceMean.x, sy = s.y - sourceMean.y
            let dx = d.x - destinationMean.x, dy = d.y - destinationMean.y
            dot += sx * dx + sy * dy
            cross += sx * dy - sy * dx
            norm += sx * sx + sy * sy
        }
        guard norm > 1e-12 else { return SimilarityTransform(a: 1, b: 0, tx: destinationMean.x - sourceMean.x, ty: destinationMean.y - sourceMean.y) }
        let a = dot / norm, b = cross / norm
        return SimilarityTransform(
            a: a, b: b,
            tx: destinationMean.x - (a * sourceMean.x - b * sourceMean.y),
            ty: destinationMean.y - (b * sourceMean.x + a * sourceMean.y))
    }

    public func apply(_ p: Point) -> Point {
        Point(x: a * p.x - b * p.y + tx, y: b * p.x + a * p.y + ty)
    }

    public var inverse: SimilarityTransform {
        let d = a * a + b * b
        let ia = a / d, ib = -b / d
        return SimilarityTransform(a: ia, b: ib, tx: -(ia * tx - ib * ty), ty: -(ib * tx + ia * ty))
    }

    /// Scale factor and rotation (radians) of the transform.
    public var scale: Double { (a * a + b * b).squareRoot() }
}
