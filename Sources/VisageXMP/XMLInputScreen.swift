import Foundation
import VisageCore

/// What FoundationXML's `XMLParser` cannot be given, refused as `xmp_malformed` before it is:
/// two inputs the `xmp` fuzz target found end the process inside FoundationXML.
///
/// - Bytes that are neither UTF-8 nor UTF-16: libxml2 hands on an element or attribute name, a
///   comment or a processing instruction that is not UTF-8, and FoundationXML force-unwraps the
///   String it makes of it (`<a><b c\xFF="1"/></a>`). XMP allows only Unicode encodings; UTF-32,
///   which libxml2 refuses by itself, passes here as UTF-16.
/// - A processing instruction without data (`<?name?>`): libxml2 gives its data as NULL, and
///   FoundationXML passes that to `strlen`.
/// - A document type declaration: FoundationXML's handlers for the declarations inside it
///   (`<!NOTATION`, `<!ATTLIST`, an entity with `NDATA`) crash. XMP writers put none in a
///   packet, so any `<!DOCTYPE` is refused.
enum XMLInputScreen {
    static func check(_ data: Data) throws {
        guard let text = unicodeText(data) else {
            throw VisageError(.xmpMalformed, "the XMP packet is not UTF-8 or UTF-16 text")
        }
        let bytes = Array(text.utf8)
        if contains(bytes, Array("<!DOCTYPE".utf8)) {
            throw VisageError(.xmpMalformed, "the XMP packet has a document type declaration (<!DOCTYPE); XMP packets have none")
        }
        if hasProcessingInstructionWithoutData(bytes) {
            throw VisageError(.xmpMalformed, "the XMP packet has a processing instruction without data (<?name?>)")
        }
    }

    /// 2 for UTF-16, told as libxml2 tells it: a byte-order mark, or a NUL byte in the first two
    /// (`<\0`, `\0<`); 1 otherwise.
    static func codeUnitWidth(_ data: Data) -> Int {
        let head = Array(data.prefix(2))
        guard head.count == 2 else { return 1 }
        return head == [0xFE, 0xFF] || head == [0xFF, 0xFE] || head.contains(0) ? 2 : 1
    }

    /// The packet as text, in the byte order libxml2 reads it in; nil when it does not decode.
    private static func unicodeText(_ data: Data) -> String? {
        guard codeUnitWidth(data) == 2 else { return String(data: data, encoding: .utf8) }
        let bigEndian = data.first == 0xFE || data.first == 0
        return String(data: data, encoding: bigEndian ? .utf16BigEndian : .utf16LittleEndian)
    }

    /// `<?` and a target directly followed by `?>`. Anything but white space, `?` and `<` counts
    /// as part of the target, so this finds every such instruction (and refuses a few strings no
    /// parser would read as one). A target ends at the next `<`, where the scan goes on: libxml2
    /// reads the `<?x?>` in `<?<?x?>`. Each byte is looked at about twice, so it stays linear.
    /// Integer literals and a buffer pointer: the fuzz build is unoptimised, where
    /// `UInt8(ascii:)` and array subscripts made this check cost several times the parse.
    private static func hasProcessingInstructionWithoutData(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            var index = 0
            while index + 1 < bytes.count {
                guard bytes[index] == 0x3C, bytes[index + 1] == 0x3F else {  // "<?"
                    index += 1
                    continue
                }
                var end = index + 2
                while end < bytes.count, !isTargetEnd(bytes[end]) { end += 1 }
                if end > index + 2, end + 1 < bytes.count, bytes[end] == 0x3F, bytes[end + 1] == 0x3E {  // "?>"
                    return true
                }
                index = max(end, index + 1)
            }
            return false
        }
    }

    /// White space, `?` and `<`.
    private static func isTargetEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, 0x3F, 0x3C: true
        default: false
        }
    }

    /// Whether `bytes` holds `needle`, which holds its first byte once, so a mismatch can go on
    /// from the next byte and the search is linear.
    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            needle.withUnsafeBufferPointer { needle in
                var start = 0
                while start + needle.count <= bytes.count {
                    var matched = 0
                    while matched < needle.count, bytes[start + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                    start += max(matched, 1)
                }
                return false
            }
        }
    }
}
