import Foundation
import VisageCore

/// Turns the signals measured on a face into `FaceQuality.score`: each signal the model uses is
/// mapped onto 0...1 by a ramp between a "useless" and a "good" value, and the score is their
/// geometric mean, so one very poor signal (a tiny face, a short embedding) pulls it down.
///
/// Which signals and where the ramps lie depend on the embedder. For the lite pack they were
/// fitted on the people benchmark (`visage bench-people`, docs/CLUSTERING.md): of the signals, the
/// raw embedding's length predicts best how close a degraded face stays to its person (rank
/// correlation 0.72), then the detector's confidence; sharpness and pose add nothing beyond them.
/// The other packs' values are estimates until their weights can be measured the same way.
public struct FaceQualityModel: Sendable, Equatable {
    public var size: ClosedRange<Double>?
    public var detectorConfidence: ClosedRange<Double>?
    /// On a log scale: sharpness grows with the square of edge contrast.
    public var sharpness: ClosedRange<Double>?
    public var embeddingNorm: ClosedRange<Double>?
    public var usesFrontality: Bool

    public init(
        size: ClosedRange<Double>? = 24...64, detectorConfidence: ClosedRange<Double>? = 0.6...0.95,
        sharpness: ClosedRange<Double>? = 20...300, embeddingNorm: ClosedRange<Double>? = nil, usesFrontality: Bool = true
    ) {
        self.size = size
        self.detectorConfidence = detectorConfidence
        self.sharpness = sharpness
        self.embeddingNorm = embeddingNorm
        self.usesFrontality = usesFrontality
    }

    /// The model for an embedder (file stem as in `models_used.face_embedding`).
    public static func forModel(_ model: String) -> FaceQualityModel {
        switch model {
        case "MobileFaceNet_paddlex_128d":
            return FaceQualityModel(size: 24...64, detectorConfidence: 0.85...0.94, sharpness: nil, embeddingNorm: 11...16, usesFrontality: false)
        default:
            return FaceQualityModel()
        }
    }

    public func quality(detectorConfidence confidence: Double, size: Double, pose: HeadPose, measured: MeasuredEmbedding) -> FaceQuality {
        let frontality = max(0, min(1, 1 - max(abs(pose.yaw) / 60, abs(pose.pitch) / 45)))
        var factors: [Double] = []
        if let range = self.size { factors.append(Self.ramp(size, range)) }
        if let range = detectorConfidence { factors.append(Self.ramp(confidence, range)) }
        if let range = sharpness {
            factors.append(Self.ramp(log(max(measured.sharpness, 1)), log(range.lowerBound)...log(range.upperBound)))
        }
        if let range = embeddingNorm { factors.append(Self.ramp(measured.norm, range)) }
        if usesFrontality { factors.append(frontality) }
        // Geometric mean, with a floor so a zero factor still ranks faces by the others.
        let score = factors.isEmpty ? 1 : exp(factors.map { log(max($0, 0.01)) }.reduce(0, +) / Double(factors.count))
        return FaceQuality(
            score: (score * 1000).rounded() / 1000, detectorConfidence: confidence, size: size, sharpness: measured.sharpness,
            frontality: frontality, embeddingNorm: measured.norm)
    }

    static func ramp(_ value: Double, _ range: ClosedRange<Double>) -> Double {
        guard value.isFinite else { return 0 }
        return max(0, min(1, (value - range.lowerBound) / (range.upperBound - range.lowerBound)))
    }
}
