import CHeif
import CVips
import Foundation
import VisageCore

/// Reads the HEIF files libvips' heifload refuses. Debian 12's libheif 1.15 rejects the layout of
/// some iPhone photos ("Too many auxiliary image references"); a newer libheif (scripts/setup.sh
/// puts one in .deps/heif) reads them. Only the primary image is decoded, then the pixels go
/// through the same libvips post-processing as any other image. Used only after libvips failed,
/// so every file libvips reads decodes exactly as before.
enum HEIFFallback {
    /// A loaded libheif. The C table is written once while loading and only read afterwards.
    struct Library: @unchecked Sendable {
        let api: OpaquePointer
        let version: String
    }

    enum Availability: Sendable {
        case loaded(Library)
        /// Why there is none, for the error message.
        case unavailable(String)
    }

    /// Loaded on first use, once per process; never unloaded.
    static let availability: Availability = load(HEIFLibraryLocator.forCurrentProcess().locate())

    static func load(_ outcome: HEIFLibraryLocator.Outcome) -> Availability {
        switch outcome {
        case .explicitMissing(let path):
            return .unavailable("VISAGE_LIBHEIF names \(path), which does not exist")
        case .notFound:
            return .unavailable("scripts/setup.sh installs a newer libheif, which Visage tries when this one fails")
        case .found(let path):
            var message = [CChar](repeating: 0, count: 512)
            guard let api = visage_heif_open(path, &message, message.count) else {
                return .unavailable("the newer libheif at \(path) could not be loaded: \(text(in: message))")
            }
            return .loaded(Library(api: api, version: String(cString: visage_heif_version(api))))
        }
    }

    /// The header of a HEIF `source` libvips could not read; `failure` (libvips' error) otherwise.
    /// Sizes are as displayed: libheif applies the HEIF rotation and mirroring while decoding, as
    /// libvips' heifload does, so the orientation is `.up` and no EXIF orientation is applied on
    /// top, again as with heifload (which drops the tag).
    static func header(_ source: ImageSource, after failure: VisageError) throws -> ImageHeader {
        try withLibrary(source, after: failure) { library, bytes, length, message in
            var raw = visage_heif_header()
            guard visage_heif_header_of(library.api, bytes, length, &raw, &message, message.count) == 0 else { return nil }
            return ImageHeader(
                storedWidth: Int(raw.width), storedHeight: Int(raw.height), orientation: .up, format: "heif",
                pages: Int(raw.pages))
        }
    }

    /// The primary image of `source`, reduced to `maxSide`, in 8-bit sRGB on white.
    static func decode(_ source: ImageSource, maxSide: Int?, after failure: VisageError) throws -> RGBImage {
        try withLibrary(source, after: failure) { library, bytes, length, message in
            var decoded = visage_heif_pixels()
            guard visage_heif_decode(library.api, bytes, length, &decoded, &message, message.count) == 0 else { return nil }
            defer { visage_heif_release(library.api, &decoded) }
            var pixels = visage_rgb_pixels()
            let vipsError = Vips.call {
                visage_vips_decode_memory(
                    decoded.pixels, decoded.width, decoded.height, decoded.stride, decoded.bands, decoded.icc,
                    decoded.icc_length, Int32(maxSide ?? 0), &pixels, $0)
            }
            if let vipsError { throw ImageDecoder.classify(vipsError, source: source, stage: .pixels) }
            return Vips.take(pixels)
        }
    }

    /// Runs `body` on the bytes of a HEIF `source` with the library loaded; rethrows `failure`
    /// for any other file, and extends its message when there is no library or `body` returns
    /// nil, having written libheif's message.
    private static func withLibrary<T>(
        _ source: ImageSource, after failure: VisageError,
        _ body: (Library, UnsafeRawPointer, Int, inout [CChar]) throws -> T?
    ) throws -> T {
        guard isHEIF(source) else { throw failure }
        let library: Library
        switch availability {
        case .unavailable(let reason):
            throw VisageError(failure.errorCode, "\(failure.message) (\(reason))")
        case .loaded(let loaded):
            library = loaded
        }
        let data: Data
        switch source {
        case .bytes(let bytes): data = bytes
        case .file(let path):
            guard let contents = FileManager.default.contents(atPath: path) else { throw failure }
            data = contents
        }
        var message = [CChar](repeating: 0, count: 512)
        let result = try data.withUnsafeBytes { buffer -> T? in
            guard let base = buffer.baseAddress else { return nil }
            return try body(library, base, buffer.count, &message)
        }
        guard let result else {
            // libheif's words can be more specific than libvips' (a file cut short is "Unexpected
            // end of file"); then its code wins.
            let words = text(in: message).trimmingCharacters(in: .whitespacesAndNewlines)
            let second = ImageDecoder.classify(words, source: source, stage: .pixels).errorCode
            throw VisageError(
                second == .imageCorrupt ? failure.errorCode : second,
                "\(failure.message) (libheif \(library.version) could not read it either: \(words))")
        }
        return result
    }

    /// The NUL-terminated text CHeif wrote into `buffer`.
    private static func text(in buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func isHEIF(_ source: ImageSource) -> Bool {
        switch source {
        case .bytes(let data):
            return HEIFSignature.matches(data)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { return false }
            defer { try? handle.close() }
            return HEIFSignature.matches((try? handle.read(upToCount: 12)) ?? Data())
        }
    }
}
