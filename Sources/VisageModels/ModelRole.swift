/// The job a model does. A pack is a set of models by role; its manifest entry is keyed by the
/// raw name, so the raw names are stable (they are in every manifest and in `/health`).
/// The face roles are loaded today; the others are where person detection, CLIP, DINOv2 and
/// captioning plug in (issue 14): a pack may list them and `visage models fetch` installs them.
public enum ModelRole: String, Sendable, CaseIterable, Codable, Comparable {
    case faceDetector = "face_detector"
    case faceEmbedder = "face_embedder"
    case faceAttributes = "face_attributes"
    case personDetector = "person_detector"
    case clipImageEncoder = "clip_image_encoder"
    case clipTextEncoder = "clip_text_encoder"
    case dinoV2ImageEncoder = "dinov2_image_encoder"
    case captionEncoder = "caption_encoder"
    case captionDecoder = "caption_decoder"

    /// The key naming this role's model in responses' `models_used` (the face keys are the
    /// seeds' contract).
    public var usageKey: String {
        switch self {
        case .faceDetector: return "face_detection"
        case .faceEmbedder: return "face_embedding"
        case .faceAttributes: return "face_attributes"
        case .personDetector: return "person_detection"
        case .clipImageEncoder: return "clip_image"
        case .clipTextEncoder: return "clip_text"
        case .dinoV2ImageEncoder: return "dinov2"
        case .captionEncoder: return "caption_encoder"
        case .captionDecoder: return "caption_decoder"
        }
    }

    /// Declaration order: the order a pack lists, fetches and verifies its files (detector first).
    public static func < (lhs: ModelRole, rhs: ModelRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
