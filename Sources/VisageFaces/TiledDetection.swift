import VisageCore
import VisageImaging

/// When to look again, at higher resolution, for faces too small for one letterboxed pass.
public enum SmallFaceSearch: String, Sendable, CaseIterable {
    /// A second pass over overlapping tiles when the image is much larger than the model input
    /// and the first pass found only small faces or none.
    case auto
    case always
    case off
}

/// Runs a detector over the whole image and, for large images, again over overlapping tiles at
/// twice the first pass's resolution, then merges the two sets. A 640-pixel pass over a 4000-pixel
/// photo shrinks faces 6x; the tiled pass finds the ones that became too small to see.
public struct TiledDetection: Sendable {
    public let detector: any FaceDetector
    public var mode: SmallFaceSearch
    /// Faces smaller than this (in model-input pixels) in the first pass suggest more small ones.
    static let smallFaceSize = 32.0
    /// Overlap between tiles as a fraction of the tile side, so a face cut by one tile's edge is
    /// whole in its neighbour.
    static let overlap = 0.25

    public init(detector: any FaceDetector, mode: SmallFaceSearch = .auto) {
        self.detector = detector
        self.mode = mode
    }

    public func detect(in image: RGBImage) throws -> [DetectedFace] {
        let first = try detector.detect(in: image)
        let firstScale = min(Double(detector.inputWidth) / Double(image.width), Double(detector.inputHeight) / Double(image.height))
        guard shouldTile(firstScale: firstScale, faces: first) else { return first }
        let tileScale = min(1, firstScale * 2)
        var all = first
        for tile in tiles(imageWidth: image.width, imageHeight: image.height, scale: tileScale) {
            let found = try detector.detect(in: image.cropped(to: tile))
            all += found.map { face in
                var moved = face
                moved.box.x += tile.x
                moved.box.y += tile.y
                moved.landmarks = FaceLandmarks(points: face.landmarks.points.map { Point(x: $0.x + tile.x, y: $0.y + tile.y) })
                return moved
            }
        }
        return NonMaximumSuppression.apply(all, iouThreshold: 0.3)
    }

    func shouldTile(firstScale: Double, faces: [DetectedFace]) -> Bool {
        switch mode {
        case .off: return false
        case .always: return firstScale < 1
        case .auto:
            // Only images at least 1.5x the model input gain from a closer look.
            guard firstScale < 1 / 1.5 else { return false }
            let smallest = faces.map { min($0.box.width, $0.box.height) * firstScale }.min()
            return smallest.map { $0 < Self.smallFaceSize } ?? true
        }
    }

    /// Tiles covering the image, each `input / scale` pixels square, overlapping by `overlap`.
    func tiles(imageWidth: Int, imageHeight: Int, scale: Double) -> [BoundingBox] {
        let side = Double(min(detector.inputWidth, detector.inputHeight)) / scale
        let step = side * (1 - Self.overlap)
        func starts(_ length: Double) -> [Double] {
            guard length > side else { return [0] }
            let count = Int(((length - side) / step).rounded(.up)) + 1
            let spacing = (length - side) / Double(count - 1)
            return (0..<count).map { Double($0) * spacing }
        }
        let width = Double(imageWidth), height = Double(imageHeight)
        return starts(height).flatMap { top in
            starts(width).map { left in
                BoundingBox(x: left.rounded(.down), y: top.rounded(.down), width: min(side, width), height: min(side, height))
            }
        }
    }
}
