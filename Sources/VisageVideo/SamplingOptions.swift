import Foundation
import VisageCore

/// Which frames of a clip are kept, and how large.
public struct SamplingOptions: Sendable {
    /// Seconds between regular frames. Widened to `duration / maxFrames` for long clips, so the
    /// frames cover the whole clip instead of its start.
    public var interval: Double
    /// ffmpeg's scene score (0 to 1: how much a frame differs from the one before) above which a
    /// frame is kept as well, so a cut between two regular frames is not missed. 1 turns it off.
    public var sceneThreshold: Double
    /// Most frames returned.
    public var maxFrames: Int
    /// Longest side of a returned frame, in pixels; frames are never enlarged.
    public var maxSide: Int

    public static let `default` = SamplingOptions(interval: 1, sceneThreshold: 0.3, maxFrames: 60, maxSide: 1280)

    public init(interval: Double, sceneThreshold: Double, maxFrames: Int, maxSide: Int) {
        self.interval = interval
        self.sceneThreshold = sceneThreshold
        self.maxFrames = maxFrames
        self.maxSide = maxSide
    }

    /// `VISAGE_VIDEO_INTERVAL` (0.05 to 3600 seconds), `VISAGE_VIDEO_SCENE_THRESHOLD` (0 to 1),
    /// `VISAGE_VIDEO_MAX_FRAMES` (1 to 1000) and `VISAGE_VIDEO_MAX_SIDE` (32 to 8192).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SamplingOptions {
        let settings = EnvironmentSettings(environment)
        var options = SamplingOptions.default
        if let value = try settings.number("VISAGE_VIDEO_INTERVAL", in: 0.05...3600) { options.interval = value }
        if let value = try settings.number("VISAGE_VIDEO_SCENE_THRESHOLD", in: 0...1) { options.sceneThreshold = value }
        if let value = try settings.integer("VISAGE_VIDEO_MAX_FRAMES", in: 1...1000) { options.maxFrames = value }
        if let value = try settings.integer("VISAGE_VIDEO_MAX_SIDE", in: 32...8192) { options.maxSide = value }
        return options
    }
}
