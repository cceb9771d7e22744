import Foundation
import VisageCore

/// Base64 and `data:` URIs. The media type in a data URI is ignored: like a file extension it
/// is the sender's claim, and the content check decides the format. Package access: the fuzz
/// target `visage-fuzz` runs it on arbitrary text.
package enum Base64Input {
    package static func decode(_ text: String, maxBytes: Int) throws -> Data {
        var payload = Substring(text)
        if payload.prefix(5).lowercased() == "data:" {
            guard let comma = payload.firstIndex(of: ",") else {
                throw VisageError(.invalidBase64, "the data URI has no comma before its data")
            }
            let parameters = payload[payload.index(payload.startIndex, offsetBy: 5)..<comma]
            guard parameters.split(separator: ";").contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "base64" }) else {
                throw VisageError(.invalidBase64, "the data URI is not base64-encoded (it needs ;base64, before the data)")
            }
            payload = payload[payload.index(after: comma)...]
        }
        // Clients wrap lines, indent JSON strings and use the URL-safe alphabet; accept all of it
        // but nothing else, so garbage is an error rather than silently skipped. Done on UTF-8
        // bytes: a batch carries megabytes of base64, and per-character String work cost more
        // than decoding the images.
        var cleaned = [UInt8]()
        cleaned.reserveCapacity(payload.utf8.count + 2)
        for byte in payload.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C: continue
            case UInt8(ascii: "-"): cleaned.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): cleaned.append(UInt8(ascii: "/"))
            default: cleaned.append(byte)
            }
        }
        guard !cleaned.isEmpty else { throw VisageError(.imageEmpty, "the base64 image is empty") }
        // Refuse before decoding: the decoded size is known from the length.
        let estimated = cleaned.count / 4 * 3
        if estimated > maxBytes {
            throw VisageError(
                .imageTooLarge, "the base64 image is about \(estimated) bytes, over the limit of \(maxBytes) bytes (VISAGE_MAX_IMAGE_BYTES)")
        }
        switch cleaned.count % 4 {
        case 2: cleaned += [UInt8(ascii: "="), UInt8(ascii: "=")]
        case 3: cleaned.append(UInt8(ascii: "="))
        case 1: throw VisageError(.invalidBase64, "the base64 data has a length no encoding produces (truncated?)")
        default: break
        }
        guard let data = Data(base64Encoded: Data(cleaned)) else {
            throw VisageError(.invalidBase64, "the image is not valid base64 (characters outside A-Z a-z 0-9 + / = or misplaced padding)")
        }
        guard !data.isEmpty else { throw VisageError(.imageEmpty, "the base64 image is empty") }
        return data
    }
}
