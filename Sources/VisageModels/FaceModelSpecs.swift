import VisageCore

/// Output decoding scheme of a face detector.
public enum DetectorDecoder: String, Sendable, Codable, Equatable, CaseIterable {
    /// OpenCV Zoo YuNet: cls/obj/bbox/kps per stride 8, 16, 32, one prior per cell.
    case yunet
    /// InsightFace SCRFD: score/bbox/kps per stride 8, 16, 32, two anchors per cell, distance boxes.
    case scrfd
}

/// Family of a face embedder. Both kinds take a 112x112 crop aligned by a similarity transform from
/// the 5 detector landmarks to the ArcFace template; compare L2-normalised outputs by cosine.
public enum EmbedderKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// InsightFace-style ArcFace/MobileFaceNet embedders.
    case arcface
    /// OpenCV Zoo SFace (FaceRecognizerSF): RGB, raw 0...255 pixels.
    case sface
}

/// Family of an attribute model.
public enum AttributesKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// InsightFace genderage.onnx: a square crop around the box (side = 1.5 x the longer box side,
    /// scaled to the input size), output [female score, male score, age / 100].
    case insightfaceGenderage = "insightface_genderage"
}

/// A model whose input is an image: what its preprocessing says, read through the spec.
public protocol ImageModelSpec {
    var preprocessing: Preprocessing { get }
}

extension ImageModelSpec {
    public var inputSize: InputSize { preprocessing.inputSize }
    public var colorOrder: ColorOrder { preprocessing.colorOrder }
    public var normalization: Normalization { preprocessing.normalization }
}

/// The face detector entry of a pack, with its decoder parsed.
public struct DetectorSpec: ImageModelSpec, Sendable, Equatable {
    public let file: String
    public let decoder: DetectorDecoder
    public let preprocessing: Preprocessing

    init(_ spec: ModelSpec, pack: String) throws {
        file = spec.file
        decoder = try spec.parsedDecoder(DetectorDecoder.self, pack: pack)
        preprocessing = try spec.planarImageInput(pack: pack)
    }
}

/// The face embedder entry of a pack, with its family and vector length.
public struct EmbedderSpec: ImageModelSpec, Sendable, Equatable {
    public let file: String
    public let kind: EmbedderKind
    public let preprocessing: Preprocessing
    /// Length of the embedding vector.
    public let dimensions: Int

    init(_ spec: ModelSpec, pack: String) throws {
        file = spec.file
        kind = try spec.parsedDecoder(EmbedderKind.self, pack: pack)
        preprocessing = try spec.planarImageInput(pack: pack)
        guard let dimensions = spec.dimensions, dimensions > 0 else {
            throw VisageError(.modelManifestInvalid, "pack '\(pack)': the face_embedder needs \"dimensions\", the length of its vectors")
        }
        self.dimensions = dimensions
    }
}

/// The face attributes (gender/age) entry of a pack.
public struct AttributesSpec: ImageModelSpec, Sendable, Equatable {
    public let file: String
    public let kind: AttributesKind
    public let preprocessing: Preprocessing

    init(_ spec: ModelSpec, pack: String) throws {
        file = spec.file
        kind = try spec.parsedDecoder(AttributesKind.self, pack: pack)
        preprocessing = try spec.planarImageInput(pack: pack)
    }
}

extension ModelSpec {
    /// `decoder` as the role's enum, or `model_manifest_invalid` listing the ones Visage knows.
    func parsedDecoder<Kind: RawRepresentable & CaseIterable>(_: Kind.Type, pack: String) throws -> Kind
    where Kind.RawValue == String {
        guard let kind = Kind(rawValue: decoder) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw VisageError(
                .modelManifestInvalid,
                "pack '\(pack)': the \(role.rawValue)'s decoder '\(decoder)' is not one Visage knows (\(known))")
        }
        return kind
    }

    /// The preprocessing of an image model fed NCHW, which is what the face pipeline writes.
    func planarImageInput(pack: String) throws -> Preprocessing {
        guard let preprocessing else {
            throw VisageError(
                .modelManifestInvalid, "pack '\(pack)': the \(role.rawValue) needs \"preprocess\" (input size, colour order, mean, std)")
        }
        guard preprocessing.layout == .nchw else {
            throw VisageError(
                .modelManifestInvalid,
                "pack '\(pack)': the face pipeline feeds the \(role.rawValue) NCHW tensors, not \(preprocessing.layout.rawValue)")
        }
        return preprocessing
    }
}
