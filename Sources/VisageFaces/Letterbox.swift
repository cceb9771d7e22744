import VisageImaging
import VisageInference
import VisageModels

/// An image scaled to fit a fixed model input, placed top-left on a black canvas. Detections
/// in canvas coordinates map back to the image by dividing by `scale`.
struct Letterbox {
    let scale: Double
    let tensor: Tensor

    /// Scales `image` by `min(inputWidth / w, inputHeight / h)` (up or down), as the detectors'
    /// reference implementations do, and normalises it with `layout`.
    init(_ image: RGBImage, inputWidth: Int, inputHeight: Int, layout: Normalization) throws {
        let scale = min(Double(inputWidth) / Double(image.width), Double(inputHeight) / Double(image.height))
        let width = max(1, min(inputWidth, Int((Double(image.width) * scale).rounded())))
        let height = max(1, min(inputHeight, Int((Double(image.height) * scale).rounded())))
        let resized = image.resampled(width: width, height: height)
        var data = layout.blankCanvas(width: inputWidth, height: inputHeight)
        layout.write(resized, into: &data, offset: 0, canvasWidth: inputWidth, canvasHeight: inputHeight)
        self.scale = scale
        self.tensor = try Tensor(shape: [1, 3, inputHeight, inputWidth], data: data)
    }
}
