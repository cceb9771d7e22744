import Foundation
import VisageCore

extension ImageDecoder {
    enum Stage { case header, pixels }

    /// Turns libvips' free-text errors into stable codes. libvips has no error codes, so the
    /// message is matched on the phrases its loaders (libjpeg, libpng, libheif, ...) use.
    static func classify(_ message: String, source: ImageSource, stage: Stage) -> VisageError {
        let lower = message.lowercased()
        let name = source.displayName
        let detail = message.split(separator: "\n").prefix(3).joined(separator: "; ")
        if lower.contains("is not a known file format") || lower.contains("not a known buffer format")
            || lower.contains("is not in a known format")
        {
            return VisageError(.imageFormatUnsupported, "\(name) is not an image format Visage can read")
        }
        // libjpeg-turbo as Debian builds it into libvips reads 8-bit JPEG only; a 12-bit one
        // (medical and some scanner output) is a format this build can't read, not a broken file.
        if lower.contains("unsupported jpeg data precision") {
            return VisageError(.imageFormatUnsupported, "\(name) is a 12-bit JPEG; this build's JPEG decoder reads 8-bit JPEG only")
        }
        // The shim re-runs a failed call alone to read its own message, so an empty message means
        // libvips gave none; then the bytes decide: an image cut off before its format's end
        // marker is truncated.
        let cutOff = message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && EndMarker.isMissing(in: source)
        if cutOff || lower.contains("premature end") || lower.contains("truncated") || lower.contains("unexpected end")
            || lower.contains("out of data") || lower.contains("read error") || lower.contains("end of file")
        {
            return VisageError(.imageTruncated, "\(name) is truncated: \(detail)")
        }
        if lower.contains("out of memory") || lower.contains("too large") || lower.contains("exceeds") {
            return VisageError(.imageTooLarge, "\(name) is too large to decode: \(detail)")
        }
        let what = stage == .header ? "header" : "image data"
        return VisageError(.imageCorrupt, "\(name) has a corrupt \(what): \(detail)")
    }

    static func formatName(loader: String) -> String {
        let known = ["jpeg", "png", "webp", "heif", "tiff", "gif", "jxl", "magick", "svg", "pdf", "jp2k", "ppm", "csv"]
        let lower = loader.lowercased()
        for name in known where lower.hasPrefix(name) { return name }
        return lower.replacingOccurrences(of: "load", with: "")
    }
}

/// Whether an image's bytes stop before the end marker of their format (JPEG's EOI, PNG's IEND,
/// GIF's trailer). Unknown formats and unreadable files say no.
enum EndMarker {
    static func isMissing(in source: ImageSource) -> Bool {
        guard let (head, tail) = ends(of: source), head.count >= 4 else { return false }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            return !contains(tail, [0xFF, 0xD9])
        }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return !contains(tail, Array("IEND".utf8))
        }
        if head.starts(with: Array("GIF8".utf8)) {
            return tail.last(where: { $0 != 0 }) != 0x3B
        }
        return false
    }

    /// The first 16 and the last 64 bytes.
    private static func ends(of source: ImageSource) -> ([UInt8], [UInt8])? {
        switch source {
        case .bytes(let data):
            return (Array(data.prefix(16)), Array(data.suffix(64)))
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
            defer { try? handle.close() }
            guard let head = try? handle.read(upToCount: 16), let size = try? handle.seekToEnd() else { return nil }
            try? handle.seek(toOffset: size > 64 ? size - 64 : 0)
            return (Array(head), Array((try? handle.readToEnd()) ?? Data()))
        }
    }

    private static func contains(_ bytes: [UInt8], _ pattern: [UInt8]) -> Bool {
        guard bytes.count >= pattern.count else { return false }
        return (0...(bytes.count - pattern.count)).contains { Array(bytes[$0..<$0 + pattern.count]) == pattern }
    }
}
