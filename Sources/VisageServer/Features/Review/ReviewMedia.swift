import Foundation
import VisageInput
import VisageVideo

/// The content type a browser may be given for a review file, from its first bytes: images it
/// shows, and video containers. Anything else (an HTML file dropped in the inbox, say) has none.
enum ReviewMediaType {
    static func of(fileAt path: String) -> String? {
        let head = MediaSniffer.head(ofFileAt: path)
        if let container = MediaSniffer.videoContainer(of: head) {
            switch container {
            case .mp4: return "video/mp4"
            case .mov: return "video/quicktime"
            case .webm: return "video/webm"
            case .matroska: return "video/x-matroska"
            case .avi: return "video/x-msvideo"
            case .flv: return "video/x-flv"
            case .mpegts: return "video/mp2t"
            }
        }
        switch FormatSniffer.format(of: head) {
        case "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "heif": return "image/heif"
        case "tiff": return "image/tiff"
        case "jxl": return "image/jxl"
        default: return nil
        }
    }
}

/// One `Range: bytes=...` range (RFC 9110 14.1.2): `a-b`, `a-` or `-n`, clamped to the file. Several
/// ranges, other units or an unsatisfiable range give nil, and the whole file is sent instead
/// (which the RFC allows a server to do).
enum ByteRange {
    static func parse(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        let digits = { (text: String) -> Int? in
            text.count <= 18 && !text.isEmpty && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) ? Int(text) : nil
        }
        if parts[0].isEmpty {
            guard let suffix = digits(parts[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = digits(parts[0]), start < size else { return nil }
        if parts[1].isEmpty { return start...(size - 1) }
        guard let end = digits(parts[1]), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
