import VisageImaging
import VisageInference
import VisageModels

/// An image scaled to fit a fixed model input (up or down, keeping its aspect ratio) and placed
/// top-left on a black canvas; boxes on the canvas map back to the image by dividing by `scale`.
struct LetterboxedInput {
    let scale: Double
    let tensor: Tensor

    init(_ image: RGBImage, size: InputSize, normalization: Normalization) throws {
        let pixels = PlanarPixels(bgr: normalization.colorOrder == .bgr, mean: normalization.mean, std: normalization.std)
        let (scale, data) = pixels.letterboxed(image, width: size.width, height: size.height)
        self.scale = scale
        tensor = try Tensor(shape: [1, 3, size.height, size.width], data: data)
    }
}
