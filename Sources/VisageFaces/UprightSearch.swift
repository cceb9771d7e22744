import VisageCore
import VisageImaging

/// Finds faces in photos stored sideways or upside down without an EXIF orientation (scans,
/// old cameras, re-encoded files). Detectors are trained on upright faces: on a turned face they
/// still fire, weakly, but put the landmarks where an upright face would have them, and the
/// aligned crop is useless for recognition. When the first pass is unconvincing, the image is
/// also searched turned by 90, 180 and 270 degrees, and a turn that finds clearly stronger
/// faces wins.
public struct UprightSearch: Sendable {
    public var enabled: Bool
    /// Below this best-face confidence the other turns are tried.
    static let doubtful = 0.88
    /// How much more confident a turn must be to replace the upright result.
    static let margin = 0.05

    public init(enabled: Bool = true) {
        self.enabled = enabled
    }

    /// `detectUpright` runs on the image as stored (with every refinement, such as tiling);
    /// `detectTurned` on the turned copies, where one quick pass is enough to tell.
    public func detect(
        in image: RGBImage, upright detectUpright: (RGBImage) throws -> [DetectedFace],
        turned detectTurned: (RGBImage) throws -> [DetectedFace]
    ) throws -> [DetectedFace] {
        let upright = try detectUpright(image)
        let uprightScore = upright.map(\.confidence).max() ?? 0
        guard enabled, uprightScore < Self.doubtful else { return upright }
        var best = (faces: upright, score: uprightScore)
        for turn in [QuarterTurn.clockwise, .half, .counterClockwise] {
            let found = try detectTurned(image.rotated(turn))
            let score = found.map(\.confidence).max() ?? 0
            if score > best.score + Self.margin {
                best = (found.map { $0.inOriginal(of: turn, width: image.width, height: image.height) }, score)
            }
        }
        return best.faces
    }
}

extension DetectedFace {
    /// The face found in a turned copy, in the original image's coordinates. Landmarks keep
    /// their anatomical names (the subject's right eye stays `leftEye`), which is what alignment
    /// needs; the box becomes the axis-aligned bounds of the turned box.
    func inOriginal(of turn: QuarterTurn, width: Int, height: Int) -> DetectedFace {
        let corners = [Point(x: box.x, y: box.y), Point(x: box.maxX, y: box.maxY)]
            .map { turn.originalPoint($0, width: width, height: height) }
        let left = min(corners[0].x, corners[1].x), top = min(corners[0].y, corners[1].y)
        let mappedBox = BoundingBox(x: left, y: top, width: abs(corners[0].x - corners[1].x), height: abs(corners[0].y - corners[1].y))
        let points = landmarks.points.map { turn.originalPoint($0, width: width, height: height) }
        return DetectedFace(box: mappedBox, confidence: confidence, landmarks: FaceLandmarks(points: points))
    }
}
