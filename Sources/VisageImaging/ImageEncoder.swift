import CVips
import Foundation
import VisageCore

public enum ImageEncoding: Sendable {
    case jpeg(quality: Int)
    case png
}

public extension RGBImage {
    /// Encodes the pixels as JPEG or PNG.
    func encoded(_ encoding: ImageEncoding) throws -> Data {
        try Vips.ensureStarted()
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        let (format, quality): (String, Int) =
            switch encoding {
            case .jpeg(let quality): ("jpeg", quality)
            case .png: ("png", 0)
            }
        let failure = pixels.withUnsafeBufferPointer { buffer in
            Vips.call { visage_vips_encode_rgb(buffer.baseAddress, Int32(width), Int32(height), format, Int32(quality), &output, &length, $0) }
        }
        if let failure { throw VisageError(.imageEncodeFailed, failure) }
        defer { visage_vips_free(output) }
        return Data(bytes: output!, count: length)
    }

    /// Resized copy with libvips' anti-aliasing resampler.
    func resized(width newWidth: Int, height newHeight: Int) throws -> RGBImage {
        if newWidth == width && newHeight == height { return self }
        try Vips.ensureStarted()
        var result = visage_rgb_pixels()
        let failure = pixels.withUnsafeBufferPointer { buffer in
            Vips.call { visage_vips_resize_rgb(buffer.baseAddress, Int32(width), Int32(height), Int32(newWidth), Int32(newHeight), &result, $0) }
        }
        if let failure { throw VisageError(.imageResizeFailed, failure) }
        return Vips.take(result)
    }
}
