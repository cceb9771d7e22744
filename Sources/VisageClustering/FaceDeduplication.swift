import Foundation
import VisageSearch

/// One face offered for deduplication.
public struct DeduplicationCandidate: Sendable {
    /// L2-normalised embedding.
    public var embedding: [Float]
    /// Higher is better; the best face of each person represents it.
    public var quality: Double

    public init(embedding: [Float], quality: Double) {
        self.embedding = embedding
        self.quality = quality
    }
}

/// Groups faces of the same person across a batch and picks the best face of each.
///
/// Faces are taken best quality first; each joins the most similar representative chosen so far
/// when the cosine similarity reaches `threshold`, else becomes a representative itself. So a
/// representative is always the best face of its group, not merely the first one seen, and
/// memory stays linear in the number of faces (only representatives are indexed), where
/// comparing all pairs would be quadratic.
public struct FaceDeduplication: Sendable {
    public var threshold: Float

    public init(threshold: Float) {
        self.threshold = threshold
    }

    /// Groups of candidate indices, each led by its representative; groups in order of their
    /// representatives' quality.
    public func groups(_ candidates: [DeduplicationCandidate]) throws -> [[Int]] {
        guard let dimensions = candidates.first?.embedding.count else { return [] }
        let order = candidates.indices.sorted {
            candidates[$0].quality != candidates[$1].quality ? candidates[$0].quality > candidates[$1].quality : $0 < $1
        }
        let representatives = ExactVectorIndex(dimensions: dimensions)
        var groups: [[Int]] = []
        var groupOfRepresentative: [Int64: Int] = [:]
        for index in order {
            let embedding = candidates[index].embedding
            if let nearest = try representatives.search(embedding, k: 1).first, nearest.similarity >= threshold {
                groups[groupOfRepresentative[nearest.id]!].append(index)
            } else {
                try representatives.upsert(id: Int64(index), vector: embedding)
                groupOfRepresentative[Int64(index)] = groups.count
                groups.append([index])
            }
        }
        return groups
    }
}

/// How good a face is as a picture of its person: detector confidence, scaled down for faces
/// smaller than the embedder's 112-pixel input and for faces turned away from the camera.
public enum HeadshotQuality {
    public static func score(confidence: Double, shortSide: Double, yaw: Double?, pitch: Double?) -> Double {
        let size = min(1, max(0, shortSide) / 112)
        let radians = Double.pi / 180
        let facing = max(0, cos((yaw ?? 0) * radians)) * max(0, cos((pitch ?? 0) * radians))
        return confidence * size * facing.squareRoot()
    }
}
