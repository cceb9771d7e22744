import Foundation
import VisageCore

/// Turns the signals measured on a face into `FaceQuality.score`: each signal is mapped onto 0...1
/// by a ramp between a "useless" and a "good" value, and the score is their geometric mean, so one
/// very poor signal (a 15-pixel face, a smear) pulls the whole score down.
///
/// The ramps were fitted on the people benchmark (`visage bench-people`, docs/CLUSTERING.md):
/// faces whose embedding lies far from their person's clean photos score low.
public struct FaceQualityModel: Sendable {
    public var size: ClosedRange<Double> = 24...80
    public var detectorConfidence: ClosedRange<Double> = 0.6...0.95
    /// On a log scale: sharpness grows with the square of edge contrast.
    public var sharpness: ClosedRange<Double> = 20...300
    /// Per embedding model; nil leaves the norm out.
    public var embeddingNorm: ClosedRange<Double>?

    public init() {}

    /// The model for an embedder (file stem as in `models_used.face_embedding`).
    public static func forModel(_ model: String) -> FaceQualityModel {
        FaceQualityModel()
    }

    public func quality(detectorConfidence confidence: Double, size: Double, pose: HeadPose, measured: MeasuredEmbedding) -> FaceQuality {
        let frontality = max(0, min(1, 1 - max(abs(pose.yaw) / 60, abs(pose.pitch) / 45)))
        var factors = [
            Self.ramp(size, self.size),
            Self.ramp(confidence, detectorConfidence),
            Self.ramp(log(max(measured.sharpness, 1)), log(sharpness.lowerBound)...log(sharpness.upperBound)),
            frontality,
        ]
        if let embeddingNorm { factors.append(Self.ramp(measured.norm, embeddingNorm)) }
        // Geometric mean, with a floor so a zero factor still ranks faces by the others.
        let score = exp(factors.map { log(max($0, 0.01)) }.reduce(0, +) / Double(factors.count))
        return FaceQuality(
            score: (score * 1000).rounded() / 1000, detectorConfidence: confidence, size: size, sharpness: measured.sharpness,
            frontality: frontality, embeddingNorm: measured.norm)
    }

    static func ramp(_ value: Double, _ range: ClosedRange<Double>) -> Double {
        guard value.isFinite else { return 0 }
        return max(0, min(1, (value - range.lowerBound) / (range.upperBound - range.lowerBound)))
    }
}
