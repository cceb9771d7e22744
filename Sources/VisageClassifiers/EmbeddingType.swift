import VisageCore

/// An embedding a classifier can be trained on. The names are the wire names (`"embedding":
/// "face"`) and the stored ones, so they never change once published.
public enum EmbeddingType: String, Sendable, CaseIterable, Codable, Comparable {
    /// CLIP ViT-B/32's image embedding of the target region (`embed_clip_vit_b_32`).
    case clip
    /// DINOv2's embedding of the target region (`embed_dino_v2`).
    case dinov2
    /// The recognition embedding of the prominent face (`embed_face`).
    case face

    /// The fixed order of a concatenation: the order of `allCases`, whatever order a request used.
    public static func < (lhs: EmbeddingType, rhs: EmbeddingType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The type named `name`, or `invalid_request` listing the names.
    public init(parsing name: String) throws {
        guard let type = EmbeddingType(rawValue: name) else {
            throw VisageError(
                .invalidRequest,
                "unknown embedding type '\(name.prefix(64))'; the types are \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = type
    }
}
