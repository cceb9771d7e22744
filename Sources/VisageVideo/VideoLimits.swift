import Foundation
import VisageCore
import VisageImaging

/// What one video may cost a server that takes files from the network.
public struct VideoLimits: Sendable {
    /// Wall-clock seconds for probing and sampling one clip together; then ffmpeg is killed and
    /// the clip fails with `video_timeout`.
    public var timeout: Double
    /// Longest clip sampled, in seconds: longer ones fail with `video_too_large` before any frame
    /// is decoded, and ffmpeg never reads past it (`-t`) whatever the container claims.
    public var maxDuration: Double
    /// Largest stored frame (`VISAGE_MAX_PIXELS`, as for images), checked before decoding, and the
    /// limits the sampled frames are decoded under.
    public var image: ImageLimits

    public static let `default` = VideoLimits(timeout: 120, maxDuration: 1800, image: .default)

    public init(timeout: Double, maxDuration: Double, image: ImageLimits) {
        self.timeout = timeout
        self.maxDuration = maxDuration
        self.image = image
    }

    /// `VISAGE_VIDEO_TIMEOUT` (1 to 86400 seconds), `VISAGE_VIDEO_MAX_SECONDS` (1 to 86400) and
    /// the image limits; `invalid_configuration` for a value out of range.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> VideoLimits {
        let settings = EnvironmentSettings(environment)
        var limits = VideoLimits(timeout: 120, maxDuration: 1800, image: try ImageLimits.fromEnvironment(environment))
        if let value = try settings.number("VISAGE_VIDEO_TIMEOUT", in: 1...86400) { limits.timeout = value }
        if let value = try settings.number("VISAGE_VIDEO_MAX_SECONDS", in: 1...86400) { limits.maxDuration = value }
        return limits
    }
}
