import Foundation
import VisageCore
import VisageImaging
import VisageInference

/// DINOv2 as Hugging Face's `Dinov2Model` exports to ONNX (onnx-community's dinov2-small/base):
/// a folder with `model.onnx` (`pixel_values` float [N, 3, H, W] -> `last_hidden_state`
/// [N, 1 + patches, D] and `pooler_output` [N, D]) and `preprocessor_config.json`.
///
/// Preprocessing is the BitImageProcessor's: the shorter side to `size.shortest_edge` (256) with
/// Pillow's bicubic filter, the centre `crop_size` (224), then ImageNet's mean and std. The
/// embedding is `pooler_output` (the layer-normed CLS token) where the export has it, else the CLS
/// token of `last_hidden_state`, L2-normalised so that a dot product is the cosine similarity.
public final class DINOv2Model: Sendable {
    /// The folder's name (`dinov2-small`).
    public let name: String
    public let dimensions: Int
    public let resizeShortestEdge: Int
    public let cropSize: Int
    let session: InferenceSession
    let inputName: String
    let outputName: String
    /// Whether `outputName` is `last_hidden_state`, whose first token is the embedding.
    let readsCLSToken: Bool
    let mean: [Float], std: [Float]

    public init(folder: URL, runtime: OnnxRuntime, options: SessionOptions) throws {
        let model = folder.appendingPathComponent("model.onnx"), config = folder.appendingPathComponent("preprocessor_config.json")
        for file in [model, config] where !FileManager.default.fileExists(atPath: file.path) {
            throw VisageError(.modelLoadFailed, "\(folder.path) is not a DINOv2 model folder: missing \(file.lastPathComponent)")
        }
        let settings = try DINOv2Preprocessing.load(contentsOf: config)
        session = try InferenceSession(runtime: runtime, modelPath: model.path, options: options)
        guard session.inputs.count == 1, let input = session.inputs.first, input.elementType == .float, input.shape.count == 4 else {
            throw VisageError(.modelMismatch, "\(model.path) does not take one float image [N, 3, H, W] (`pixel_values`)")
        }
        let output = session.outputs.first { $0.name == "pooler_output" } ?? session.outputs.first { $0.name == "last_hidden_state" }
        guard let output, let width = output.shape.last, width > 0 else {
            throw VisageError(.modelMismatch, "\(model.path) has neither `pooler_output` nor `last_hidden_state` with a fixed width")
        }
        name = folder.lastPathComponent
        inputName = input.name
        outputName = output.name
        readsCLSToken = output.name == "last_hidden_state"
        dimensions = Int(width)
        resizeShortestEdge = settings.shortestEdge
        cropSize = settings.cropSize
        mean = settings.mean
        std = settings.std
    }

    /// The `cropSize` x `cropSize` image the model sees.
    public func prepared(_ image: RGBImage) -> RGBImage {
        let short = resizeShortestEdge
        let (width, height) =
            image.width < image.height
            ? (short, max(short, Int(Double(image.height) / Double(image.width) * Double(short))))
            : (max(short, Int(Double(image.width) / Double(image.height) * Double(short))), short)
        return image.pillowResized(width: width, height: height, filter: .bicubic).centreCrop(size: cropSize)
    }

    /// The L2-normalised embedding of `image`.
    public func embed(_ image: RGBImage) throws -> [Float] {
        let square = prepared(image), plane = cropSize * cropSize
        var data = [Float](repeating: 0, count: 3 * plane)
        for channel in 0..<3 {
            let scale = 1 / (255 * std[channel]), shift = -mean[channel] / std[channel]
            for pixel in 0..<plane { data[channel * plane + pixel] = Float(square.pixels[pixel * 3 + channel]) * scale + shift }
        }
        let input = try Tensor(shape: [1, 3, cropSize, cropSize], data: data)
        guard let output = try session.run([inputName: input], outputNames: [outputName])[outputName],
            output.data.count >= dimensions
        else {
            throw VisageError(.modelMismatch, "the DINOv2 model \(name) returned no \(outputName)")
        }
        // [1, D] pooled, or [1, tokens, D] whose first row is the CLS token.
        return CLIPModel.normalized(Array(output.data[0..<dimensions]))
    }
}

/// The parts of Hugging Face's `preprocessor_config.json` DINOv2 uses.
struct DINOv2Preprocessing: Decodable {
    let shortestEdge: Int
    let cropSize: Int
    let mean: [Float]
    let std: [Float]

    enum CodingKeys: String, CodingKey {
        case size
        case cropSize = "crop_size"
        case mean = "image_mean"
        case std = "image_std"
    }

    struct Size: Decodable {
        let shortestEdge: Int?
        let height: Int?
        enum CodingKeys: String, CodingKey {
            case shortestEdge = "shortest_edge"
            case height
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let size = try container.decodeIfPresent(Size.self, forKey: .size)
        let crop = try container.decodeIfPresent(Size.self, forKey: .cropSize)
        shortestEdge = size?.shortestEdge ?? size?.height ?? 256
        cropSize = crop?.height ?? 224
        mean = try container.decodeIfPresent([Float].self, forKey: .mean) ?? [0.485, 0.456, 0.406]
        std = try container.decodeIfPresent([Float].self, forKey: .std) ?? [0.229, 0.224, 0.225]
        guard shortestEdge >= cropSize, cropSize > 0, mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unusable sizes, mean or std"))
        }
    }

    static func load(contentsOf url: URL) throws -> DINOv2Preprocessing {
        do {
            return try JSONDecoder().decode(DINOv2Preprocessing.self, from: try Data(contentsOf: url))
        } catch {
            throw VisageError(.modelLoadFailed, "\(url.path) is not a readable DINOv2 preprocessor_config.json: \(error)")
        }
    }
}
