import CVips
import Foundation
import VisageCore

public extension ImageDecoder {
    /// The XMP packet embedded in the image (JPEG APP1, PNG iTXt, WebP, HEIF, TIFF), as libvips
    /// reads it, or nil when the image carries none. Only the header is read, never the pixels.
    ///
    /// The image is checked as `header(_:)` checks it (file present, readable, within
    /// `limits.maxBytes`, a format libvips knows), so a broken file fails with the same code.
    func xmpPacket(_ source: ImageSource) throws -> Data? {
        try Vips.ensureStarted()
        var bytes: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        let message = try withSource(source) { path, data, count in
            Vips.call { visage_vips_xmp(path, data, count, &bytes, &length, $0) }
        }
        if let message { throw Self.classify(message, source: source, stage: .header) }
        guard let bytes else { return nil }
        defer { visage_vips_free(bytes) }
        return Data(bytes: bytes, count: length)
    }
}
