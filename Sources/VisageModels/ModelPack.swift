import Foundation

/// One named set of models that together make the face pipeline: a detector, an embedder and,
/// optionally, an attribute (gender/age) model. Built from `model-packs.json` by `ModelManifest`.
public struct ModelPack: Sendable, Equatable {
    public let name: String
    public let description: String
    /// Licence terms of the weights, in words (e.g. "non-commercial research use only").
    public let license: String
    public let detector: DetectorSpec
    public let embedder: EmbedderSpec
    public let attributes: AttributesSpec?
    /// Every file the pack needs, detector first, without duplicates.
    public let fileNames: [String]

    public init(name: String, description: String, license: String, detector: DetectorSpec,
                embedder: EmbedderSpec, attributes: AttributesSpec?) {
        self.name = name
        self.description = description
        self.license = license
        self.detector = detector
        self.embedder = embedder
        self.attributes = attributes
        var names: [String] = []
        for file in [detector.file, embedder.file, attributes?.file].compactMap({ $0 }) where !names.contains(file) {
            names.append(file)
        }
        self.fileNames = names
    }
}

/// Channel order a model expects in its NCHW float input.
public enum ColorOrder: String, Sendable, Codable, Equatable {
    case rgb
    case bgr
}

/// Width and height of a model's input, in pixels. Decoded from a JSON `[width, height]` pair.
public struct InputSize: Sendable, Equatable, Codable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        width = try container.decode(Int.self)
        height = try container.decode(Int.self)
        guard container.isAtEnd, width > 0, height > 0 else {
            throw DecodingError.dataCorruptedError(in: container,
                debugDescription: "input_size must be [width, height] with two positive integers")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(width)
        try container.encode(height)
    }

    public var description: String { "\(width)x\(height)" }
}

/// How to turn 0...255 pixels into model input: `(pixel - mean) / std`, per channel, in `colorOrder`.
/// YuNet: BGR, mean 0, std 1 (raw pixels). SCRFD: RGB, (x - 127.5) / 128.
public struct Normalization: Sendable, Equatable {
    public let colorOrder: ColorOrder
    public let mean: Float
    public let std: Float

    public init(colorOrder: ColorOrder, mean: Float, std: Float) {
        self.colorOrder = colorOrder
        self.mean = mean
        self.std = std
    }
}

/// Output decoding scheme of a face detector.
public enum DetectorDecoder: String, Sendable, Codable, Equatable {
    /// OpenCV Zoo YuNet: cls/obj/bbox/kps per stride 8, 16, 32, one prior per cell.
    case yunet
    /// InsightFace SCRFD: score/bbox/kps per stride 8, 16, 32, two anchors per cell, distance boxes.
    case scrfd
}

/// Family of a face embedder. Both kinds take a 112x112 crop aligned by a similarity transform from
/// the 5 detector landmarks to the ArcFace template; compare L2-normalised outputs by cosine.
public enum EmbedderKind: String, Sendable, Codable, Equatable {
    /// InsightFace-style ArcFace/MobileFaceNet embedders.
    case arcface
    /// OpenCV Zoo SFace (FaceRecognizerSF): RGB, raw 0...255 pixels.
    case sface
}

/// Family of an attribute model.
public enum AttributesKind: String, Sendable, Codable, Equatable {
    /// InsightFace genderage.onnx: a square crop around the box (side = 1.5 x the longer box side,
    /// scaled to the input size), output [female score, male score, age / 100].
    case insightfaceGenderage = "insightface_genderage"
}

public struct DetectorSpec: Sendable, Equatable, Codable {
    public let file: String
    public let decoder: DetectorDecoder
    public let inputSize: InputSize
    public let colorOrder: ColorOrder
    public let mean: Float
    public let std: Float

    public var normalization: Normalization { Normalization(colorOrder: colorOrder, mean: mean, std: std) }

    enum CodingKeys: String, CodingKey {
        case file, decoder, mean, std
        case inputSize = "input_size"
        case colorOrder = "color_order"
    }
}

public struct EmbedderSpec: Sendable, Equatable, Codable {
    public let file: String
    public let kind: EmbedderKind
    public let inputSize: InputSize
    public let colorOrder: ColorOrder
    public let mean: Float
    public let std: Float
    /// Length of the embedding vector.
    public let dimensions: Int

    public var normalization: Normalization { Normalization(colorOrder: colorOrder, mean: mean, std: std) }

    enum CodingKeys: String, CodingKey {
        case file, kind, mean, std, dimensions
        case inputSize = "input_size"
        case colorOrder = "color_order"
    }
}

public struct AttributesSpec: Sendable, Equatable, Codable {
    public let file: String
    public let kind: AttributesKind
    public let inputSize: InputSize
    public let colorOrder: ColorOrder
    public let mean: Float
    public let std: Float

    public var normalization: Normalization { Normalization(colorOrder: colorOrder, mean: mean, std: std) }

    enum CodingKeys: String, CodingKey {
        case file, kind, mean, std
        case inputSize = "input_size"
        case colorOrder = "color_order"
    }
}
