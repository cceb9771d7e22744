import Foundation
import VisageImaging

/// Names an image format from its first bytes. The extension, the Content-Type header and a
/// data URI's media type are all chosen by the sender, so they are never trusted; the bytes are
/// what libvips will actually parse.
public enum FormatSniffer {
    /// Bytes needed to recognise every format below.
    public static let prefixLength = 16

    /// The format's libvips name, or nil when the bytes start like no image format we know.
    public static func format<Bytes: Collection>(of bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        let b = Array(bytes.prefix(prefixLength))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + magic.count && Array(b[offset..<offset + magic.count]) == magic
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }

        if starts([0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if ascii("GIF87a") || ascii("GIF89a") { return "gif" }
        if ascii("RIFF") && ascii("WEBP", at: 8) { return "webp" }
        // ISO base media file: a box size, then `ftyp` and the major brand. HEIC, HEIF and AVIF
        // all go through libvips' heifload, which reports them as "heif".
        if ascii("ftyp", at: 4), b.count >= 12 {
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            if HEIFSignature.brands.contains(brand) { return "heif" }
            return nil
        }
        // Classic TIFF (II*\0, MM\0*) and BigTIFF (II+\0, MM\0+).
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
            || starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B])
        {
            return "tiff"
        }
        // JPEG XL: bare codestream or ISO container.
        if starts([0xFF, 0x0A]) || starts([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) {
            return "jxl"
        }
        return nil
    }
}
