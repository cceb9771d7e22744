import Foundation
import VisageCore
import VisageImaging
import VisageInference
import VisageSemantic

/// Hugging Face's `ViTImageProcessor` as `preprocessor_config.json` sets it up (nlpconnect's:
/// resize to 224 x 224 with Pillow's bilinear filter, `resample` 2, ignoring the aspect ratio;
/// rescale by 1/255; mean and std 0.5), writing the NCHW `pixel_values` tensor.
struct CaptionImageProcessor: Sendable {
    let width: Int
    let height: Int
    let filter: ResamplingFilter
    let pixels: PlanarPixels

    init(contentsOf url: URL) throws {
        guard let data = try? Data(contentsOf: url), let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw VisageError(.modelLoadFailed, "\(url.path) is missing or not a JSON object")
        }
        // `size` is {"height", "width"} in current exports, a bare number in older ones.
        let size = config["size"]
        let side = size as? Int
        width = (size as? [String: Any])?["width"] as? Int ?? side ?? 224
        height = (size as? [String: Any])?["height"] as? Int ?? side ?? 224
        // PIL's resampling numbers: 2 bilinear, 3 bicubic (the two Pillow filters Visage has).
        switch config["resample"] as? Int ?? 2 {
        case 2: filter = .bilinear
        case 3: filter = .bicubic
        case let other: throw VisageError(.modelLoadFailed, "\(url.path): resample \(other) is not bilinear (2) or bicubic (3)")
        }
        let rescale = config["rescale_factor"] as? Double ?? 1 / 255
        guard abs(rescale - 1 / 255) < 1e-9, (config["do_rescale"] as? Bool) != false else {
            throw VisageError(.modelLoadFailed, "\(url.path): only a rescale by 1/255 is supported")
        }
        let normalize = config["do_normalize"] as? Bool ?? true
        let mean = normalize ? (config["image_mean"] as? [Double] ?? [0.5, 0.5, 0.5]) : [0, 0, 0]
        let std = normalize ? (config["image_std"] as? [Double] ?? [0.5, 0.5, 0.5]) : [1, 1, 1]
        guard width > 0, height > 0, width <= 4096, height <= 4096, mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
            throw VisageError(.modelLoadFailed, "\(url.path): unusable size, image_mean or image_std")
        }
        pixels = PlanarPixels(unitMean: mean.map(Float.init), std: std.map(Float.init))
    }

    /// `pixel_values` [1, 3, height, width] for `image`.
    func pixelValues(_ image: RGBImage) throws -> Tensor {
        let resized = image.pillowResized(width: width, height: height, filter: filter)
        var data = pixels.blankCanvas(width: width, height: height)
        pixels.write(resized, into: &data, offset: 0, canvasWidth: width, canvasHeight: height)
        return try Tensor(shape: [1, 3, height, width], data: data)
    }
}
