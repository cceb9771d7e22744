import VisageImaging
import VisageInference
import VisageModels

/// An image scaled to fit a fixed model input, placed top-left on a black canvas. Detections
/// in canvas coordinates map back to the image by dividing by `scale`.
struct Letterbox {
    let scale: Double
    let tensor: Tensor

    init(_ image: RGBImage, inputWidth: Int, inputHeight: Int, layout: Normalization) throws {
        let (scale, data) = layout.planar.letterboxed(image, width: inputWidth, height: inputHeight)
        self.scale = scale
        self.tensor = try Tensor(shape: [1, 3, inputHeight, inputWidth], data: data)
    }
}
