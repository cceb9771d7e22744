/// The five facial points every detector in Visage produces. "Left" and "right" are as seen in
/// the image: `leftEye` is the eye nearer the image's left edge (the subject's right eye).
public struct FaceLandmarks: Sendable, Hashable, Codable {
    public var leftEye: Point
    public var rightEye: Point
    public var nose: Point
    public var leftMouth: Point
    public var rightMouth: Point

    public init(leftEye: Point, rightEye: Point, nose: Point, leftMouth: Point, rightMouth: Point) {
        self.leftEye = leftEye
        self.rightEye = rightEye
        self.nose = nose
        self.leftMouth = leftMouth
        self.rightMouth = rightMouth
    }

    /// In the order of the ArcFace alignment template.
    public var points: [Point] { [leftEye, rightEye, nose, leftMouth, rightMouth] }

    public init(points: [Point]) {
        precondition(points.count == 5, "five landmarks expected")
        self.init(leftEye: points[0], rightEye: points[1], nose: points[2], leftMouth: points[3], rightMouth: points[4])
    }

    public func scaled(by factor: Double) -> FaceLandmarks {
        FaceLandmarks(points: points.map { Point(x: $0.x * factor, y: $0.y * factor) })
    }
}

/// Head rotation in degrees. Yaw: positive when the face turns towards the image's right;
/// pitch: positive when the face looks up; roll: positive when the head tilts clockwise.
public struct HeadPose: Sendable, Hashable, Codable {
    public var yaw: Double
    public var pitch: Double
    public var roll: Double

    public init(yaw: Double, pitch: Double, roll: Double) {
        self.yaw = yaw
        self.pitch = pitch
        self.roll = roll
    }
}

public enum Gender: String, Sendable, Codable {
    case male = "M"
    case female = "F"
}

/// A face found by a detector, in displayed-image pixels.
public struct DetectedFace: Sendable {
    public var box: BoundingBox
    public var confidence: Double
    public var landmarks: FaceLandmarks

    public init(box: BoundingBox, confidence: Double, landmarks: FaceLandmarks) {
        self.box = box
        self.confidence = confidence
        self.landmarks = landmarks
    }
}

/// Everything the pipeline learned about one face.
public struct AnalyzedFace: Sendable {
    public var detection: DetectedFace
    public var pose: HeadPose
    public var age: Int?
    public var gender: Gender?
    /// L2-normalised; compare two with a dot product (cosine similarity).
    public var embedding: [Float]?
    /// Measured with the embedding (nil when no embedding was computed).
    public var quality: FaceQuality?

    public init(
        detection: DetectedFace, pose: HeadPose, age: Int? = nil, gender: Gender? = nil, embedding: [Float]? = nil,
        quality: FaceQuality? = nil
    ) {
        self.detection = detection
        self.pose = pose
        self.age = age
        self.gender = gender
        self.embedding = embedding
        self.quality = quality
    }
}
