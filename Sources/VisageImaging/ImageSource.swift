import Foundation
import VisageCore

/// Where an image comes from. Bytes are kept as `Data` so callers can hand over uploads unchanged.
public enum ImageSource: Sendable {
    case file(String)
    case bytes(Data)

    var displayName: String {
        switch self {
        case .file(let path): return path
        case .bytes(let data): return "<\(data.count) bytes>"
        }
    }
}

/// Limits that keep a hostile or broken file from exhausting the machine.
public struct ImageLimits: Sendable {
    /// Most pixels an image may need at full resolution in memory. JPEGs are judged after the
    /// DCT shrink-on-load factor the working size allows, so a 20000x14000 JPEG is cheap to
    /// open while a 65536x65536 PNG (which must be inflated whole) is refused before decoding.
    public var maxPixels: Int
    /// Most bytes read from a file or accepted as input.
    public var maxBytes: Int

    public static let `default` = ImageLimits(maxPixels: 100_000_000, maxBytes: 200 * 1024 * 1024)

    public init(maxPixels: Int, maxBytes: Int) {
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
    }

    /// `VISAGE_MAX_PIXELS` and `VISAGE_MAX_IMAGE_BYTES` override the defaults. Throws
    /// `invalid_configuration` for a value that is not a positive whole number (at most 2^40 pixels
    /// or 64 GiB, so byte and pixel arithmetic can't overflow).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ImageLimits {
        let settings = EnvironmentSettings(environment)
        var limits = ImageLimits.default
        if let value = try settings.integer("VISAGE_MAX_PIXELS", in: 1...(1 << 40)) { limits.maxPixels = value }
        if let value = try settings.integer("VISAGE_MAX_IMAGE_BYTES", in: 1...(64 << 30)) { limits.maxBytes = value }
        return limits
    }
}
