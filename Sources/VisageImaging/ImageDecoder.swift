import CVips
import Foundation
import VisageCore

/// What the header says, before any pixel is decoded.
public struct ImageHeader: Sendable {
    /// Stored size (before orientation is applied).
    public let storedWidth: Int
    public let storedHeight: Int
    public let orientation: ExifOrientation
    /// Short format name: jpeg, png, webp, heif, tiff, gif, jxl, ...
    public let format: String
    public let pages: Int

    /// Size as displayed, i.e. after the EXIF orientation is applied.
    public var width: Int { orientation.displayedSize(width: storedWidth, height: storedHeight).width }
    public var height: Int { orientation.displayedSize(width: storedWidth, height: storedHeight).height }
}

/// An upright image ready for the pipeline, possibly reduced from the full-size original.
public struct DecodedImage: Sendable {
    public let header: ImageHeader
    public let image: RGBImage
    /// `image.width / header.width`: multiply working coordinates by `1/scale` to get
    /// coordinates in the full-size displayed image.
    public var scale: Double { Double(image.width) / Double(header.width) }
}

/// Decodes any format libvips reads into upright sRGB pixels, enforcing `ImageLimits`.
public struct ImageDecoder: Sendable {
    public var limits: ImageLimits

    public init(limits: ImageLimits = .default) {
        self.limits = limits
    }

    public func header(_ source: ImageSource) throws -> ImageHeader {
        try inspect(source).header
    }

    /// Decodes `source` upright, reduced so neither side exceeds `maxSide` (nil = full size).
    public func decode(_ source: ImageSource, maxSide: Int? = nil) throws -> DecodedImage {
        let (header, libvipsFailure) = try inspect(source)
        try checkPixelLimit(header, maxSide: maxSide)
        if let libvipsFailure {
            return DecodedImage(header: header, image: try HEIFFallback.decode(source, maxSide: maxSide, after: libvipsFailure))
        }
        let image: RGBImage = try withSource(source) { path, data, length in
            var pixels = visage_rgb_pixels()
            if let message = Vips.call({ visage_vips_decode(path, data, length, Int32(maxSide ?? 0), 1, &pixels, $0) }) {
                let failure = Self.classify(message, source: source, stage: .pixels)
                return try HEIFFallback.decode(source, maxSide: maxSide, after: failure)
            }
            return Vips.take(pixels)
        }
        return DecodedImage(header: header, image: image)
    }

    /// The header, and libvips' error when the header came from `HEIFFallback` instead (which
    /// must then decode the pixels too).
    private func inspect(_ source: ImageSource) throws -> (header: ImageHeader, libvipsFailure: VisageError?) {
        try Vips.ensureStarted()
        return try withSource(source) { path, data, length in
            var raw = visage_image_header()
            if let message = Vips.call({ visage_vips_header(path, data, length, &raw, $0) }) {
                let failure = Self.classify(message, source: source, stage: .header)
                return (try HEIFFallback.header(source, after: failure), failure)
            }
            let loader = withUnsafeBytes(of: raw.loader) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            let header = ImageHeader(
                storedWidth: Int(raw.width), storedHeight: Int(raw.height),
                orientation: ExifOrientation(rawValue: Int(raw.orientation)) ?? .up,
                format: Self.formatName(loader: loader), pages: Int(raw.pages))
            return (header, nil)
        }
    }

    private func checkPixelLimit(_ header: ImageHeader, maxSide: Int?) throws {
        let pixels = header.storedWidth * header.storedHeight
        var shrink = 1
        if header.format == "jpeg", let maxSide {
            // libjpeg scales by 1/2, 1/4 or 1/8 while decoding; vips_thumbnail picks the largest
            // factor that keeps the image at least `maxSide` on its longest side.
            let longest = max(header.storedWidth, header.storedHeight)
            while shrink < 8, longest / (shrink * 2) >= maxSide { shrink *= 2 }
        }
        let inMemory = pixels / (shrink * shrink)
        if inMemory > limits.maxPixels {
            throw VisageError(
                .imageTooLarge,
                "image is \(header.storedWidth)x\(header.storedHeight) (\(pixels) pixels), over the limit of \(limits.maxPixels) pixels (VISAGE_MAX_PIXELS)"
            )
        }
    }

    func withSource<T>(_ source: ImageSource, _ body: (String?, UnsafeRawPointer?, Int) throws -> T) throws -> T {
        switch source {
        case .file(let path):
            try checkFile(path)
            return try body(path, nil, 0)
        case .bytes(let data):
            guard !data.isEmpty else { throw VisageError(.imageEmpty, "the image data is empty") }
            guard data.count <= limits.maxBytes else {
                throw VisageError(.imageTooLarge, "image is \(data.count) bytes, over the limit of \(limits.maxBytes) bytes")
            }
            return try data.withUnsafeBytes { try body(nil, $0.baseAddress, data.count) }
        }
    }

    private func checkFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VisageError(.imageNotFound, "no file at \(path)")
        }
        guard !isDirectory.boolValue else { throw VisageError(.imageNotAFile, "\(path) is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VisageError(.imageUnreadable, "\(path) cannot be read (permissions)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size == 0 { throw VisageError(.imageEmpty, "\(path) is empty") }
        if size > limits.maxBytes {
            throw VisageError(.imageTooLarge, "\(path) is \(size) bytes, over the limit of \(limits.maxBytes) bytes (VISAGE_MAX_IMAGE_BYTES)")
        }
    }
}

public extension ImageDecoder {
    /// The libvips version decoding images, for health reports.
    static var libraryVersion: String { Vips.version }
}
