/// How much a face's embedding can be trusted, from what the pipeline measured on it. Poor faces
/// (small, blurred, turned away, half-detected) give embeddings that drift toward every other
/// poor face, so clustering lets them join people but not found or bridge them.
public struct FaceQuality: Sendable, Hashable, Codable {
    /// 0 (useless) to 1 (a clear, frontal, well-detected face): see `FaceQualityModel`.
    public var score: Double
    /// The detector's confidence, 0 to 1.
    public var detectorConfidence: Double
    /// The face box's shorter side, in pixels of the full-size image.
    public var size: Double
    /// Variance of the Laplacian of the aligned 112x112 face's luma: low when blurred.
    public var sharpness: Double
    /// 1 for a frontal face, falling to 0 at 60 degrees of yaw or 45 of pitch.
    public var frontality: Double
    /// The embedding's length before normalisation: recognition models give poor faces
    /// shorter vectors. Model-specific; nil when unknown.
    public var embeddingNorm: Double?

    public init(score: Double, detectorConfidence: Double, size: Double, sharpness: Double, frontality: Double, embeddingNorm: Double?) {
        self.score = score
        self.detectorConfidence = detectorConfidence
        self.size = size
        self.sharpness = sharpness
        self.frontality = frontality
        self.embeddingNorm = embeddingNorm
    }
}
