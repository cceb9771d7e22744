import Foundation
import VisageCore

/// Where the `ffmpeg` and `ffprobe` executables are: `VISAGE_FFMPEG` and `VISAGE_FFPROBE` when set
/// (exact paths, nothing else tried), else the first of each name on `PATH`. Looked up when a
/// video is sampled, not at start-up, so a server without ffmpeg still serves images and says
/// what is missing on the first video.
public struct VideoTools: Sendable {
    /// Exact paths, or nil to search `PATH`.
    public var ffmpeg: String?
    public var ffprobe: String?
    /// The `PATH` searched when a path is not given.
    public var searchPath: String

    public init(ffmpeg: String? = nil, ffprobe: String? = nil, searchPath: String = "/usr/local/bin:/usr/bin:/bin") {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
        self.searchPath = searchPath
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> VideoTools {
        let settings = EnvironmentSettings(environment)
        return VideoTools(
            ffmpeg: settings.string("VISAGE_FFMPEG"), ffprobe: settings.string("VISAGE_FFPROBE"),
            searchPath: settings.string("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
    }

    /// Both executables, or `video_tools_unavailable` naming what was looked for.
    func resolve() throws -> (ffmpeg: String, ffprobe: String) {
        (try locate("ffmpeg", explicit: ffmpeg, variable: "VISAGE_FFMPEG"), try locate("ffprobe", explicit: ffprobe, variable: "VISAGE_FFPROBE"))
    }

    private func locate(_ name: String, explicit: String?, variable: String) throws -> String {
        if let explicit {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw VisageError(.videoToolsUnavailable, "\(variable) is \(explicit), which is not an executable file; point it at \(name)")
            }
            return explicit
        }
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = (String(folder) as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw VisageError(
            .videoToolsUnavailable,
            "\(name) was not found on PATH; install ffmpeg (scripts/setup.sh installs Debian's) or set \(variable) to its path")
    }
}
