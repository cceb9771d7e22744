import VisageCore
import VisageImaging

/// A single-shot face detector run on one letterboxed view of an image.
public protocol FaceDetector: Sendable {
    /// Model input size in pixels.
    var inputWidth: Int { get }
    var inputHeight: Int { get }
    /// Faces with 5 landmarks in `image` pixel coordinates, confidence-filtered and de-duplicated.
    func detect(in image: RGBImage) throws -> [DetectedFace]
}

/// Thresholds shared by the detectors.
public struct DetectionThresholds: Sendable {
    /// Minimum confidence for a face to be reported.
    public var score: Double
    /// Overlap (IoU) above which the weaker of two faces is dropped.
    public var nms: Double

    public init(score: Double = 0.6, nms: Double = 0.3) {
        self.score = score
        self.nms = nms
    }
}

extension DetectedFace {
    /// The face mapped from letterbox-canvas coordinates back to the image (divide by scale).
    func unscaled(_ scale: Double) -> DetectedFace {
        DetectedFace(box: box.scaled(by: 1 / scale), confidence: confidence, landmarks: landmarks.scaled(by: 1 / scale))
    }
}
