import Foundation
import VisageCore
import VisageImaging

/// A region of the request's image, cut once and shared by every task that works on it.
public struct ImageCrop: Sendable, Equatable {
    /// In the full-size image's pixels, as the response reports it.
    public let box: PixelBox
    /// The pixels inside `box`, from the analysed image: the same size as `box` unless the image
    /// was reduced to `VISAGE_MAX_SIDE` for analysis, then at that scale.
    public let image: RGBImage
    /// `image` as a base64 PNG (`cropped_image_base64`).
    public let pngBase64: String

    public static func == (lhs: ImageCrop, rhs: ImageCrop) -> Bool {
        lhs.box == rhs.box && lhs.pngBase64 == rhs.pngBase64
    }

    /// Cuts `box` (full-size pixels) out of `decoded`.
    public init(_ box: PixelBox, of decoded: DecodedImage) throws {
        let source = decoded.image, scale = decoded.scale
        let left = min(Int((Double(box.xMin) * scale).rounded(.down)), source.width - 1)
        let top = min(Int((Double(box.yMin) * scale).rounded(.down)), source.height - 1)
        let right = max(min(Int((Double(box.xMax) * scale).rounded(.up)), source.width), left + 1)
        let bottom = max(min(Int((Double(box.yMax) * scale).rounded(.up)), source.height), top + 1)
        let width = right - left, height = bottom - top
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            let start = ((top + row) * source.width + left) * 3
            pixels.replaceSubrange(row * width * 3..<(row + 1) * width * 3, with: source.pixels[start..<start + width * 3])
        }
        self.box = box
        image = RGBImage(width: width, height: height, pixels: pixels)
        pngBase64 = try image.encoded(.png).base64EncodedString()
    }
}
