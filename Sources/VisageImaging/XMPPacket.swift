import CVips
import Foundation
import VisageCore

public extension ImageDecoder {
    /// The XMP packet embedded in the image (JPEG APP1, PNG iTXt, WebP, HEIF, TIFF), as libvips
    /// reads it, or nil when the image carries none. Only the header is read, never the pixels.
    ///
    /// The image is checked exactly as `header(_:)` checks it (file present, readable, within
    /// `limits.maxBytes`, a format libvips knows), so a broken file fails with the same error
    /// code here as it would when decoded.
    func xmpPacket(_ source: ImageSource) throws -> Data? {
        _ = try header(source)
        var bytes: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        let message: String?
        switch source {
        case .file(let path):
            message = Vips.call { visage_vips_xmp(path, nil, 0, &bytes, &length, $0) }
        case .bytes(let data):
            message = data.withUnsafeBytes { buffer in
                Vips.call { visage_vips_xmp(nil, buffer.baseAddress, buffer.count, &bytes, &length, $0) }
            }
        }
        if let message { throw Self.classify(message, source: source, stage: .header) }
        guard let bytes else { return nil }
        defer { visage_vips_free(bytes) }
        return Data(bytes: bytes, count: length)
    }
}
