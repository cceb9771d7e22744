import Foundation
import VisageCore

/// One model of a pack, as its manifest entry describes it: the role it plays, its file, how its
/// input is prepared and how its output is read. Face roles are also read into typed views
/// (`DetectorSpec`, `EmbedderSpec`, `AttributesSpec`) when the manifest is decoded.
public struct ModelSpec: Sendable, Equatable {
    public let role: ModelRole
    /// A key of the manifest's `files`.
    public let file: String
    /// How the output is read, named as the manifest names it: a detector's box decoder
    /// (`yunet`, `scrfd`), an embedder's family (`arcface`, `sface`), an attribute layout.
    /// Each role's loader parses it into its own enum, so a new pack reusing a known decoder is a
    /// JSON edit and a misspelt one fails when the manifest is read.
    public let decoder: String
    /// Image input preparation; nil for models whose input is not an image (text encoders).
    public let preprocessing: Preprocessing?
    /// Length of the output vector, for embedders and encoders.
    public let dimensions: Int?

    public init(role: ModelRole, file: String, decoder: String, preprocessing: Preprocessing?, dimensions: Int? = nil) {
        self.role = role
        self.file = file
        self.decoder = decoder
        self.preprocessing = preprocessing
        self.dimensions = dimensions
    }

    /// The model's name in responses and beside stored embeddings: its file name without extension.
    public var name: String { (file as NSString).deletingPathExtension }
}

extension ModelSpec {
    /// A model entry as written in `model-packs.json` (its role is the key it is listed under).
    struct Entry: Decodable {
        let file: String
        let decoder: String
        let preprocess: PreprocessEntry?
        let dimensions: Int?
    }

    /// `"preprocess": {"input_size": [w, h], "layout": "nchw", "color_order": "rgb", "mean": m, "std": s}`,
    /// where `mean` and `std` are one number for all channels or one per channel.
    struct PreprocessEntry: Decodable {
        let inputSize: InputSize
        let layout: TensorLayout?
        let colorOrder: ColorOrder
        let mean: ChannelValues
        let std: ChannelValues

        enum CodingKeys: String, CodingKey {
            case layout, mean, std
            case inputSize = "input_size"
            case colorOrder = "color_order"
        }
    }

    /// A number (the same for every channel) or an array of three.
    struct ChannelValues: Decodable {
        let values: [Float]

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(Float.self) {
                values = [single, single, single]
            } else {
                values = try container.decode([Float].self)
                guard values.count == 3 else {
                    throw DecodingError.dataCorruptedError(
                        in: container,
                        debugDescription: "mean and std are one number or an array of three (one per channel)")
                }
            }
        }
    }

    init(role: ModelRole, entry: Entry, pack: String) throws {
        var preprocessing: Preprocessing?
        if let raw = entry.preprocess {
            guard raw.std.values.allSatisfy({ $0 != 0 }) else {
                throw VisageError(.modelManifestInvalid, "pack '\(pack)': the \(role.rawValue)'s std must not be zero")
            }
            preprocessing = Preprocessing(
                inputSize: raw.inputSize, layout: raw.layout ?? .nchw,
                normalization: Normalization(
                    colorOrder: raw.colorOrder,
                    channelMean: raw.mean.values, channelStd: raw.std.values))
        }
        self.init(role: role, file: entry.file, decoder: entry.decoder, preprocessing: preprocessing, dimensions: entry.dimensions)
    }
}
