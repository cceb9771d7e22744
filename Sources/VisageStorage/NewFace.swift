import VisageCore

/// A face from an analysis, about to be stored with `FaceStoreTransaction.saveAnalysis`.
public struct NewFace: Sendable {
    public var box: BoundingBox
    public var confidence: Double
    /// L2-normalised.
    public var embedding: [Float]
    public var landmarks: FaceLandmarks?
    public var pose: HeadPose?
    public var age: Int?
    public var gender: Gender?
    /// A face-quality score, when the caller computes one (higher is better).
    public var quality: Double?
    /// A name known at analysis time, typically from the file's XMP face regions.
    public var label: FaceLabel?

    public init(
        box: BoundingBox, confidence: Double, embedding: [Float], landmarks: FaceLandmarks? = nil,
        pose: HeadPose? = nil, age: Int? = nil, gender: Gender? = nil, quality: Double? = nil,
        label: FaceLabel? = nil
    ) {
        self.box = box
        self.confidence = confidence
        self.embedding = embedding
        self.landmarks = landmarks
        self.pose = pose
        self.age = age
        self.gender = gender
        self.quality = quality
        self.label = label
    }

    /// Throws `embedding_missing` when the face was analysed without embeddings: a stored face
    /// must be searchable. `quality` defaults to the analysis's quality score.
    public init(_ face: AnalyzedFace, quality: Double? = nil, label: FaceLabel? = nil) throws {
        guard let embedding = face.embedding else {
            throw VisageError(.embeddingMissing, "a face can only be stored with its embedding; analyse with embeddings on")
        }
        self.init(
            box: face.detection.box, confidence: face.detection.confidence, embedding: embedding,
            landmarks: face.detection.landmarks, pose: face.pose, age: face.age, gender: face.gender,
            quality: quality ?? face.quality?.score, label: label)
    }
}
