import Foundation

/// Seed 003's `tolerance` on any embedder. In face_recognition (dlib), the seed's library, it is
/// a Euclidean distance between face encodings, 0 to 1, lower is stricter, and 0.6 is where two
/// faces are called the same person. Embedders differ in how far apart one person's faces lie,
/// so the number can't be used as it is: the lite pack's same-person pairs reach a distance of
/// 0.68 and more.
///
/// The scale keeps the seed's meaning: a face's `distance` is its Euclidean distance on the unit
/// sphere, rescaled so that the model's calibrated same-person similarity sits at 0.6:
///
///     distance = 0.6 * sqrt(2 - 2 * cosine) / sqrt(2 - 2 * samePersonSimilarity)
///
/// A face matches when `distance <= tolerance`, so 0.6 means "same person" for every pack, and
/// 0.5 and 0.7 are as much stricter and looser, in distance, as they are with dlib.
public struct ToleranceScale: Sendable, Equatable {
    /// face_recognition's same-person distance, and the seed's default tolerance.
    public static let samePersonTolerance = 0.6

    /// The embedder's calibrated same-person cosine similarity
    /// (`ClusteringParameters.samePersonSimilarity`).
    public let samePersonSimilarity: Double

    public init(samePersonSimilarity: Double) {
        self.samePersonSimilarity = min(0.999, max(-0.999, samePersonSimilarity))
    }

    private var samePersonDistance: Double { (2 - 2 * samePersonSimilarity).squareRoot() }

    /// The seed-scale distance of two faces this similar (0 for identical faces).
    public func distance(similarity: Double) -> Double {
        Self.samePersonTolerance * max(0, 2 - 2 * similarity).squareRoot() / samePersonDistance
    }

    /// The cosine similarity a face needs to match at `tolerance`.
    public func similarity(tolerance: Double) -> Double {
        let distance = tolerance / Self.samePersonTolerance * samePersonDistance
        return 1 - distance * distance / 2
    }

    /// face_recognition users read `1 - distance` as a confidence; 0 to 1.
    public static func confidence(distance: Double) -> Double {
        min(1, max(0, 1 - distance))
    }
}
