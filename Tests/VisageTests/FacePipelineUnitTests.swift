import Foundation
import Testing
import VisageCore
import VisageImaging

@testable import VisageFaces

@Suite struct FacePipelineUnitTests {
    static let frontal = FaceLandmarks(points: [
        Point(x: 38.3, y: 51.7), Point(x: 73.5, y: 51.5), Point(x: 56.0, y: 71.7),
        Point(x: 41.5, y: 92.4), Point(x: 70.7, y: 92.2),
    ])

    @Test func frontalFaceHasNearZeroPose() {
        let pose = HeadPoseEstimator.estimate(Self.frontal)
        #expect(abs(pose.yaw) < 5 && abs(pose.pitch) < 10 && abs(pose.roll) < 2, "\(pose)")
    }

    @Test func rollFollowsInPlaneRotation() {
        // Rotate the frontal face 20 degrees clockwise on screen (y down) about its centre.
        let angle = 20.0 * .pi / 180
        let rotated = FaceLandmarks(
            points: Self.frontal.points.map { p in
                let x = p.x - 56, y = p.y - 72
                return Point(x: 56 + x * cos(angle) - y * sin(angle), y: 72 + x * sin(angle) + y * cos(angle))
            })
        let pose = HeadPoseEstimator.estimate(rotated)
        #expect(abs(pose.roll - 20) < 2, "clockwise tilt reads as positive roll: \(pose)")
    }

    @Test func yawChangesSignWhenTheNoseMovesAcross() {
        var right = Self.frontal
        right.nose.x += 8
        var left = Self.frontal
        left.nose.x -= 8
        let turnedRight = HeadPoseEstimator.estimate(right), turnedLeft = HeadPoseEstimator.estimate(left)
        #expect(turnedRight.yaw > 10, "nose towards the image's right is positive yaw: \(turnedRight)")
        #expect(abs(turnedRight.yaw + turnedLeft.yaw) < 1)
    }

    @Test func nmsKeepsTheStrongerOfOverlappingFaces() {
        let marks = Self.frontal
        let faces = [
            DetectedFace(box: BoundingBox(x: 0, y: 0, width: 100, height: 100), confidence: 0.7, landmarks: marks),
            DetectedFace(box: BoundingBox(x: 5, y: 5, width: 100, height: 100), confidence: 0.9, landmarks: marks),
            DetectedFace(box: BoundingBox(x: 300, y: 0, width: 50, height: 50), confidence: 0.8, landmarks: marks),
        ]
        let kept = NonMaximumSuppression.apply(faces, iouThreshold: 0.3)
        #expect(kept.map(\.confidence) == [0.9, 0.8])
    }

    @Test func tilesCoverTheImageWithOverlap() throws {
        struct FixedInput: FaceDetector {
            let inputWidth = 640, inputHeight = 640
            func detect(in image: VisageImaging.RGBImage) throws -> [DetectedFace] { [] }
        }
        let tiling = TiledDetection(detector: FixedInput())
        let tiles = tiling.tiles(imageWidth: 2000, imageHeight: 1000, scale: 0.64)
        #expect(tiles.allSatisfy { $0.width == 1000 && $0.height == 1000 })
        #expect(tiles.map(\.maxX).max() == 2000)
        #expect(tiles.count == 3)
    }
}
