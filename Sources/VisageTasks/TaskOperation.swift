/// The region of the image an operation works on (seed 001's `target`).
public enum TaskTarget: String, Sendable, CaseIterable, Codable {
    case wholeImage = "whole_image"
    /// The most prominent person; an embedding falls back to the whole image when there is none.
    case prominentPerson = "prominent_person"
    /// The most prominent face; there must be one.
    case prominentFace = "prominent_face"
}

/// Where a `prominent_face` is looked for (seed 001's `face_context`, default `prominent_person`).
public enum FaceContext: String, Sendable, CaseIterable, Codable {
    /// Among the faces inside the prominent person's box (the whole image when there is no person).
    case prominentPerson = "prominent_person"
    case wholeImage = "whole_image"
}

/// The models a task can need; each names what to install when it is missing.
public enum TaskModel: String, Sendable, CaseIterable {
    case personDetector = "person_detector"
    case faces
    case clip
    case dinov2
    case classifier
    case captioner
}

/// Seed 001's operations (the task `type`), with what `GET /available_operations/` says of each.
public enum TaskOperation: String, Sendable, CaseIterable, Codable {
    case detectBoundingBox = "detect_bounding_box"
    case embedClipViTB32 = "embed_clip_vit_b_32"
    case embedDinoV2 = "embed_dino_v2"
    case embedFace = "embed_face"
    case classify
    case describeImage = "describe_image"

    public var description: String {
        switch self {
        case .detectBoundingBox: return "Detects a bounding box for a specified target."
        case .embedClipViTB32: return "Generates an embedding using the CLIP ViT-B/32 model."
        case .embedDinoV2:
            return "Generates a visual embedding using the DINOv2 model (composition, colour and texture rather than semantics)."
        case .embedFace:
            return "Generates the face-recognition embedding of the most prominent face, aligned as recognition aligns it."
        case .classify:
            return "Determines if an image region belongs to a specific collection using a binary classifier."
        case .describeImage: return "Generates a text description of an image region using an image captioning model."
        }
    }

    public var allowedTargets: [TaskTarget] {
        switch self {
        case .detectBoundingBox: return [.prominentPerson, .prominentFace]
        case .embedFace: return [.prominentFace]
        case .embedClipViTB32, .embedDinoV2, .classify, .describeImage: return TaskTarget.allCases
        }
    }

    public var defaultTarget: TaskTarget {
        switch self {
        case .detectBoundingBox: return .prominentPerson
        case .embedFace: return .prominentFace
        case .embedClipViTB32, .embedDinoV2, .classify, .describeImage: return .wholeImage
        }
    }

    /// The model that does the operation's own work (detection for a target comes on top).
    public var model: TaskModel? {
        switch self {
        case .detectBoundingBox: return nil
        case .embedClipViTB32: return .clip
        case .embedDinoV2: return .dinov2
        case .embedFace: return .faces
        case .classify: return .classifier
        case .describeImage: return .captioner
        }
    }
}
