import Foundation
import VisageCore
import VisageImaging

/// One way a real photo library degrades a face. Each case carries its severity; `apply` is
/// deterministic given the image, the main face's box and the generator.
public enum Degradation: Sendable, Hashable, CustomStringConvertible {
    /// Shrinks the image so the main face is about `faceWidth` pixels wide; with `restore`, it is
    /// enlarged back to its size (a small face in a normal-size photo: soft and blocky).
    case lowResolution(faceWidth: Int, restore: Bool)
    /// Gaussian blur (three box passes) with this standard deviation in pixels of the face's
    /// scale: `sigma` is relative to a 100-pixel-wide face.
    case blur(sigma: Double)
    /// Re-encoded as JPEG at this quality (1-100).
    case jpeg(quality: Int)
    /// Pixel values times `gain`, then the gamma curve: under-exposure is gain < 1.
    case exposure(gain: Double, gamma: Double)
    case greyscale
    /// Rotated about the image centre by this many degrees, on the same canvas.
    case tilt(degrees: Double)
    /// A flat patch over part of the main face.
    case occlusion(Occluder)
    /// Gaussian sensor noise with this standard deviation (0-255 scale).
    case noise(sigma: Double)

    public enum Occluder: String, Sendable, Hashable {
        /// A mask over the lower half.
        case mouthAndNose
        /// Sunglasses: a band over the eyes.
        case eyes
        /// A hand or an object over one side.
        case side
    }

    public var description: String {
        switch self {
        case .lowResolution(let width, let restore): "lowres(\(width)px\(restore ? ",restored" : ""))"
        case .blur(let sigma): "blur(\(Self.format(sigma)))"
        case .jpeg(let quality): "jpeg(q\(quality))"
        case .exposure(let gain, let gamma): "exposure(x\(Self.format(gain)),g\(Self.format(gamma)))"
        case .greyscale: "greyscale"
        case .tilt(let degrees): "tilt(\(Self.format(degrees))deg)"
        case .occlusion(let occluder): "occlusion(\(occluder.rawValue))"
        case .noise(let sigma): "noise(\(Self.format(sigma)))"
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// An image being degraded, with where its main face is now.
public struct DegradedImage: Sendable {
    public var image: RGBImage
    /// The main face's box in `image`'s coordinates.
    public var face: BoundingBox

    public init(image: RGBImage, face: BoundingBox) {
        self.image = image
        self.face = face
    }
}

extension Degradation {
    /// `input` degraded; the face box follows every geometric change.
    public func apply(to input: DegradedImage, using random: inout BenchRandom) throws -> DegradedImage {
        switch self {
        case .lowResolution(let faceWidth, let restore):
            return try Self.shrink(input, faceWidth: faceWidth, restore: restore)
        case .blur(let sigma):
            let scaled = max(0.5, sigma * input.face.width / 100)
            return DegradedImage(image: input.image.gaussianBlurred(sigma: scaled), face: input.face)
        case .jpeg(let quality):
            let data = try input.image.encoded(.jpeg(quality: quality))
            let decoded = try ImageDecoder().decode(.bytes(data))
            return DegradedImage(image: decoded.image, face: input.face)
        case .exposure(let gain, let gamma):
            let table = (0..<256).map { value -> UInt8 in
                let linear = min(1, Double(value) / 255 * gain)
                return UInt8((Foundation.pow(linear, gamma) * 255).rounded())
            }
            return DegradedImage(image: input.image.mappingValues(table), face: input.face)
        case .greyscale:
            return DegradedImage(image: input.image.greyscale(), face: input.face)
        case .tilt(let degrees):
            return Self.rotate(input, degrees: degrees)
        case .occlusion(let occluder):
            return DegradedImage(image: input.image.covering(occluder.patch(over: input.face), with: random.patchColour()), face: input.face)
        case .noise(let sigma):
            return DegradedImage(image: input.image.withNoise(sigma: sigma, using: &random), face: input.face)
        }
    }

    private static func shrink(_ input: DegradedImage, faceWidth: Int, restore: Bool) throws -> DegradedImage {
        let factor = min(1, Double(faceWidth) / max(1, input.face.width))
        let width = max(8, Int((Double(input.image.width) * factor).rounded()))
        let height = max(8, Int((Double(input.image.height) * factor).rounded()))
        let small = input.image.resampled(width: width, height: height)
        if restore {
            return DegradedImage(image: small.resampled(width: input.image.width, height: input.image.height), face: input.face)
        }
        let sx = Double(width) / Double(input.image.width), sy = Double(height) / Double(input.image.height)
        let face = BoundingBox(x: input.face.x * sx, y: input.face.y * sy, width: input.face.width * sx, height: input.face.height * sy)
        return DegradedImage(image: small, face: face)
    }

    private static func rotate(_ input: DegradedImage, degrees: Double) -> DegradedImage {
        let angle = degrees * .pi / 180
        let cx = Double(input.image.width - 1) / 2, cy = Double(input.image.height - 1) / 2
        let a = Foundation.cos(angle), b = Foundation.sin(angle)
        // x' = a x - b y + tx, y' = b x + a y + ty, fixing the centre.
        let transform = SimilarityTransform(a: a, b: b, tx: cx - (a * cx - b * cy), ty: cy - (b * cx + a * cy))
        let image = input.image.warped(by: transform, width: input.image.width, height: input.image.height)
        let centre = transform.apply(Point(x: input.face.x + input.face.width / 2, y: input.face.y + input.face.height / 2))
        let face = BoundingBox(
            x: centre.x - input.face.width / 2, y: centre.y - input.face.height / 2, width: input.face.width, height: input.face.height)
        return DegradedImage(image: image, face: face)
    }
}

extension Degradation.Occluder {
    /// The covered part of `face`.
    func patch(over face: BoundingBox) -> BoundingBox {
        switch self {
        case .mouthAndNose:
            BoundingBox(x: face.x - face.width * 0.05, y: face.y + face.height * 0.55, width: face.width * 1.1, height: face.height * 0.5)
        case .eyes:
            BoundingBox(x: face.x, y: face.y + face.height * 0.28, width: face.width, height: face.height * 0.2)
        case .side:
            BoundingBox(x: face.x + face.width * 0.6, y: face.y, width: face.width * 0.45, height: face.height)
        }
    }
}

extension BenchRandom {
    /// A dull colour, as masks, hands and sunglasses are.
    mutating func patchColour() -> [UInt8] {
        let base = UInt8.random(in: 20...200, using: &self)
        return [
            base, UInt8(clamping: Int(base) + Int.random(in: -20...20, using: &self)),
            UInt8(clamping: Int(base) + Int.random(in: -20...20, using: &self)),
        ]
    }
}
