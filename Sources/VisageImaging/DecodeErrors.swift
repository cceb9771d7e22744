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
            || lower.contains("is not in a known format") {
            return VisageError("image_format_unsupported", "\(name) is not an image format Visage can read")
        }
        if lower.contains("premature end") || lower.contains("truncated") || lower.contains("unexpected end")
            || lower.contains("out of data") || lower.contains("read error") || lower.contains("end of file") {
            return VisageError("image_truncated", "\(name) is truncated: \(detail)")
        }
        if lower.contains("out of memory") || lower.contains("too large") || lower.contains("exceeds") {
            return VisageError("image_too_large", "\(name) is too large to decode: \(detail)")
        }
        let what = stage == .header ? "header" : "image data"
        return VisageError("image_corrupt", "\(name) has a corrupt \(what): \(detail)")
    }

    static func formatName(loader: String) -> String {
        let known = ["jpeg", "png", "webp", "heif", "tiff", "gif", "jxl", "magick", "svg", "pdf", "jp2k", "ppm", "csv"]
        let lower = loader.lowercased()
        for name in known where lower.hasPrefix(name) { return name }
        return lower.replacingOccurrences(of: "load", with: "")
    }
}
