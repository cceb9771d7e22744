import VisageCore

/// Canonical landmark positions that aligned face crops are warped to.
public struct AlignmentTemplate: Sendable {
    public let size: Int
    public let points: [Point]

    /// InsightFace's ArcFace template for 112x112 crops (eyes, nose, mouth corners).
    public static let arcFace112 = AlignmentTemplate(
        size: 112,
        points: [
            Point(x: 38.2946, y: 51.6963), Point(x: 73.5318, y: 51.5014), Point(x: 56.0252, y: 71.7366),
            Point(x: 41.5493, y: 92.3655), Point(x: 70.7299, y: 92.2041),
        ])

    /// A 160x160 headshot: the ArcFace layout scaled up and shifted so the crop shows more of
    /// the head and some shoulder context (face about 60% of the frame), as people expect of a
    /// profile picture.
    public static let headshot160: AlignmentTemplate = {
        let scale = 160.0 / 112.0 * 0.8
        let offset = (160.0 - 112.0 * scale) / 2
        return AlignmentTemplate(
            size: 160,
            points: arcFace112.points.map {
                Point(x: $0.x * scale + offset, y: $0.y * scale + offset)
            })
    }()

    /// The similarity taking `landmarks` onto this template.
    public func transform(for landmarks: FaceLandmarks) -> SimilarityTransform {
        SimilarityTransform.estimate(from: landmarks.points, to: points)
    }
}

public extension RGBImage {
    /// The face cropped, rotated and scaled onto `template`.
    func aligned(_ landmarks: FaceLandmarks, to template: AlignmentTemplate) -> RGBImage {
        warped(by: template.transform(for: landmarks), width: template.size, height: template.size)
    }
}
