import CVips
import VisageCore

/// One face to mark on an annotated copy of an image (the `save_annotated` feature).
public struct FaceAnnotation: Sendable {
    /// An 8-bit sRGB colour. A struct rather than a tuple so it can be Sendable and Hashable.
    public struct Color: Sendable, Hashable {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8

        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        public static let green = Color(red: 0, green: 200, blue: 0)
        public static let red = Color(red: 230, green: 30, blue: 30)
        public static let yellow = Color(red: 255, green: 210, blue: 0)
        public static let white = Color(red: 255, green: 255, blue: 255)
        public static let black = Color(red: 0, green: 0, blue: 0)

        /// Black or white, whichever reads better on this colour (Rec. 601 luma, mid-grey cut).
        public var contrastingText: Color {
            let luma = 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
            return luma > 140 ? .black : .white
        }
    }

    /// Pixel coordinates in the image being annotated.
    public var box: BoundingBox
    /// Drawn in a strip above the box when non-nil and non-empty.
    public var label: String?
    public var color: Color

    public init(box: BoundingBox, label: String? = nil, color: Color = .green) {
        self.box = box
        self.label = label
        self.color = color
    }
}

/// Draws face boxes and labels onto a copy of an image. Boxes are plain Swift pixel writes (they
/// are the contract); labels go through libvips' text renderer and are skipped, never fatal, when
/// it cannot render (no fonts installed).
public enum ImageAnnotator {
    public static func annotate(_ image: RGBImage, with annotations: [FaceAnnotation]) -> RGBImage {
        guard !annotations.isEmpty, image.width > 0, image.height > 0 else { return image }
        var canvas = Canvas(image: image)
        let shortSide = min(image.width, image.height)
        // Scale with the image so marks stay visible on a 24 MP photo and modest on a thumbnail.
        let lineWidth = max(2, shortSide / 300)
        let fontPixels = max(11, shortSide / 40)
        let rects = annotations.map { canvas.clampedRect($0.box) }
        for (annotation, rect) in zip(annotations, rects) {
            if let rect { canvas.strokeRect(rect, width: lineWidth, color: annotation.color) }
        }
        // Labels after all boxes, so a neighbouring box never cuts through a label.
        for (annotation, rect) in zip(annotations, rects) {
            guard let rect, let label = annotation.label, !label.isEmpty,
                let mask = TextMask(label, pixelHeight: fontPixels)
            else { continue }
            canvas.drawLabel(mask, above: rect, padding: max(2, fontPixels / 5), color: annotation.color)
        }
        return canvas.image
    }
}

/// Half-open integer pixel rectangle, already inside the image.
private struct PixelRect {
    var x0: Int, y0: Int, x1: Int, y1: Int
}

/// An antialiased coverage mask of rendered text (255 = ink).
private struct TextMask {
    let width: Int
    let height: Int
    let alpha: [UInt8]

    init?(_ text: String, pixelHeight: Int) {
        guard (try? Vips.ensureStarted()) != nil else { return nil }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var width: Int32 = 0, height: Int32 = 0
        let failure = Vips.call { visage_vips_render_text(text, Int32(pixelHeight), &output, &width, &height, $0) }
        guard failure == nil, let output else { return nil }
        defer { visage_vips_free(output) }
        guard width > 0, height > 0 else { return nil }
        self.width = Int(width)
        self.height = Int(height)
        alpha = [UInt8](UnsafeBufferPointer(start: output, count: Int(width) * Int(height)))
    }
}

private struct Canvas {
    var image: RGBImage

    /// The box as whole pixels clipped to the image (outer edges rounded outwards), or nil when
    /// nothing of it is visible. Non-finite or absurd coordinates must not trap in `Int(_:)`.
    func clampedRect(_ box: BoundingBox) -> PixelRect? {
        guard box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite else { return nil }
        func clamp(_ value: Double, _ limit: Int) -> Int { Int(min(max(value, 0), Double(limit))) }
        let rect = PixelRect(
            x0: clamp(box.x.rounded(.down), image.width), y0: clamp(box.y.rounded(.down), image.height),
            x1: clamp(box.maxX.rounded(.up), image.width), y1: clamp(box.maxY.rounded(.up), image.height))
        return rect.x1 > rect.x0 && rect.y1 > rect.y0 ? rect : nil
    }

    /// Outline drawn inward from the rectangle's edges, so it never leaves the image.
    mutating func strokeRect(_ r: PixelRect, width: Int, color: FaceAnnotation.Color) {
        let t = min(width, r.y1 - r.y0), l = min(width, r.x1 - r.x0)
        fill(PixelRect(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y0 + t), color)
        fill(PixelRect(x0: r.x0, y0: r.y1 - t, x1: r.x1, y1: r.y1), color)
        fill(PixelRect(x0: r.x0, y0: r.y0, x1: r.x0 + l, y1: r.y1), color)
        fill(PixelRect(x0: r.x1 - l, y0: r.y0, x1: r.x1, y1: r.y1), color)
    }

    /// A filled strip in the box colour just above the box (inside its top edge when the box
    /// touches the top of the image), with the text blended in a contrasting colour.
    mutating func drawLabel(_ mask: TextMask, above box: PixelRect, padding: Int, color: FaceAnnotation.Color) {
        let stripWidth = min(mask.width + 2 * padding, image.width)
        let stripHeight = min(mask.height + 2 * padding, image.height)
        let top = box.y0 >= stripHeight ? box.y0 - stripHeight : box.y0
        let left = min(box.x0, image.width - stripWidth)  // slide left rather than run off the edge
        let strip = PixelRect(x0: left, y0: top, x1: left + stripWidth, y1: min(top + stripHeight, image.height))
        fill(strip, color)
        let text = color.contrastingText
        for my in 0..<mask.height {
            let y = strip.y0 + padding + my
            guard y < strip.y1 else { break }
            for mx in 0..<mask.width {
                let x = strip.x0 + padding + mx
                guard x < strip.x1 else { break }
                let a = Int(mask.alpha[my * mask.width + mx])
                if a > 0 { blend(x, y, text, alpha: a) }
            }
        }
    }

    private mutating func fill(_ r: PixelRect, _ c: FaceAnnotation.Color) {
        for y in r.y0..<r.y1 {
            for x in r.x0..<r.x1 {
                let i = (y * image.width + x) * 3
                image.pixels[i] = c.red
                image.pixels[i + 1] = c.green
                image.pixels[i + 2] = c.blue
            }
        }
    }

    private mutating func blend(_ x: Int, _ y: Int, _ c: FaceAnnotation.Color, alpha a: Int) {
        let i = (y * image.width + x) * 3
        func mix(_ under: UInt8, _ over: UInt8) -> UInt8 {
            UInt8((Int(under) * (255 - a) + Int(over) * a + 127) / 255)
        }
        image.pixels[i] = mix(image.pixels[i], c.red)
        image.pixels[i + 1] = mix(image.pixels[i + 1], c.green)
        image.pixels[i + 2] = mix(image.pixels[i + 2], c.blue)
    }
}
