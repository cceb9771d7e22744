import Foundation
import VisageCore
import VisageImaging
import VisageInference

/// `visual/preprocess_cfg.json` of an Immich CLIP model folder (open_clip's
/// `get_model_preprocess_cfg`), e.g. ViT-B-32__openai:
/// `{"size": [224, 224], "mode": "RGB", "mean": [0.48145466, 0.4578275, 0.40821073],
/// "std": [0.26862954, 0.26130258, 0.27577711], "interpolation": "bicubic",
/// "resize_mode": "shortest", "fill_color": 0}`. `size` may be one number; mean and std are on
/// the 0...1 scale.
public struct CLIPPreprocessConfig: Sendable, Equatable, Decodable {
    /// How the image is brought to `size` x `size`.
    public enum ResizeMode: String, Sendable, Decodable {
        /// The shorter side to `size`, then the centre `size` x `size` (open_clip's default).
        case shortest
        /// Both sides to `size`, ignoring the aspect ratio.
        case squash
    }

    public let size: Int
    public let mean: [Float]
    public let std: [Float]
    public let interpolation: ResamplingFilter
    public let resizeMode: ResizeMode

    public init(
        size: Int, mean: [Float], std: [Float], interpolation: ResamplingFilter = .bicubic, resizeMode: ResizeMode = .shortest
    ) throws {
        guard size > 0, mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
            throw VisageError(.modelLoadFailed, "a CLIP preprocessing config needs a positive size and three means and positive stds")
        }
        self.size = size
        self.mean = mean
        self.std = std
        self.interpolation = interpolation
        self.resizeMode = resizeMode
    }

    enum CodingKeys: String, CodingKey {
        case size, mean, std, interpolation, mode
        case resizeMode = "resize_mode"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let size: Int
        if let single = try? container.decode(Int.self, forKey: .size) {
            size = single
        } else {
            let pair = try container.decode([Int].self, forKey: .size)
            guard pair.count == 2, pair[0] == pair[1] else {
                throw DecodingError.dataCorruptedError(forKey: .size, in: container, debugDescription: "size must be square")
            }
            size = pair[0]
        }
        if let mode = try container.decodeIfPresent(String.self, forKey: .mode), mode != "RGB" {
            throw DecodingError.dataCorruptedError(forKey: .mode, in: container, debugDescription: "mode \(mode) is not RGB")
        }
        let interpolation = try container.decodeIfPresent(String.self, forKey: .interpolation) ?? "bicubic"
        guard let filter = ResamplingFilter(rawValue: interpolation) else {
            throw DecodingError.dataCorruptedError(
                forKey: .interpolation, in: container, debugDescription: "interpolation \(interpolation) is not bicubic or bilinear")
        }
        try self.init(
            size: size, mean: try container.decode([Float].self, forKey: .mean), std: try container.decode([Float].self, forKey: .std),
            interpolation: filter, resizeMode: try container.decodeIfPresent(ResizeMode.self, forKey: .resizeMode) ?? .shortest)
    }

    /// Reads `preprocess_cfg.json`, or `model_load_failed` saying what is wrong with it.
    public static func load(contentsOf url: URL) throws -> CLIPPreprocessConfig {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw VisageError(.modelLoadFailed, "cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(CLIPPreprocessConfig.self, from: data)
        } catch let error as VisageError {
            throw error
        } catch {
            throw VisageError(.modelLoadFailed, "\(url.path) is not a CLIP preprocessing config: \(error)")
        }
    }
}

/// Turns an image into CLIP's visual input as Immich and open_clip prepare it: resize (shorter side
/// to `size` with the long side `Int(long / short * size)`, Pillow's filter), centre crop
/// `size` x `size` (offset `(side - size) / 2`, rounded down), then `(x / 255 - mean) / std` per
/// RGB channel into an NCHW float tensor.
public struct CLIPImagePreprocessor: Sendable {
    public let config: CLIPPreprocessConfig

    public init(config: CLIPPreprocessConfig) {
        self.config = config
    }

    /// The `size` x `size` RGB image the model sees.
    public func prepared(_ image: RGBImage) -> RGBImage {
        let size = config.size
        switch config.resizeMode {
        case .squash:
            return image.pillowResized(width: size, height: size, filter: config.interpolation)
        case .shortest:
            let width: Int, height: Int
            if image.width < image.height {
                width = size
                height = max(size, Int(Double(image.height) / Double(image.width) * Double(size)))
            } else {
                height = size
                width = max(size, Int(Double(image.width) / Double(image.height) * Double(size)))
            }
            let resized = image.pillowResized(width: width, height: height, filter: config.interpolation)
            return resized.centreCrop(size: size)
        }
    }

    /// A [1, 3, size, size] tensor.
    public func tensor(_ image: RGBImage) throws -> Tensor {
        try batch([image])
    }

    /// An [N, 3, size, size] tensor of several images.
    public func batch(_ images: [RGBImage]) throws -> Tensor {
        let size = config.size, plane = size * size
        var data = [Float](repeating: 0, count: images.count * 3 * plane)
        let pixels = PlanarPixels(unitMean: config.mean, std: config.std)
        for (index, image) in images.enumerated() {
            pixels.write(prepared(image), into: &data, offset: index * 3 * plane, canvasWidth: size, canvasHeight: size)
        }
        return try Tensor(shape: [images.count, 3, size, size], data: data)
    }
}

extension RGBImage {
    /// The centre `size` x `size` pixels (the image is at least that large on both sides).
    func centreCrop(size: Int) -> RGBImage {
        let left = (width - size) / 2, top = (height - size) / 2
        var output = [UInt8](repeating: 0, count: size * size * 3)
        for row in 0..<size {
            let start = ((top + row) * width + left) * 3
            output.replaceSubrange(row * size * 3..<(row + 1) * size * 3, with: pixels[start..<start + size * 3])
        }
        return RGBImage(width: size, height: size, pixels: output)
    }
}
