import Foundation

/// The ffmpeg command that writes a clip's sampled frames, and how its output is read back.
///
/// Times: a `metadata=mode=print` filter right after `select` writes one `frame:N pts:P
/// pts_time:T` line per selected frame to `times.txt`, in the order the frames reach the encoder,
/// and the image muxer numbers its files in that same order (`-fps_mode passthrough`: no frame is
/// duplicated or dropped after the filter). So the Nth file's time is the Nth line's, with no
/// timestamp arithmetic of our own, no dependence on the log level (showinfo would need `-v info`
/// and its lines mixed with errors), and nothing to parse from file names. When ffmpeg stops at
/// `-frames:v`, the filter may have printed a line or two more than were written; the pairs
/// are taken up to the shorter list.
struct FramePlan {
    static let timesFile = "times.txt"
    static let framePattern = "frame_%06d.png"

    let info: VideoInfo
    let options: SamplingOptions
    let maxDuration: Double

    /// The regular spacing: `interval`, or wider so `maxFrames` regular frames span the clip.
    var interval: Double {
        guard let duration = info.duration else { return options.interval }
        return max(options.interval, min(duration, maxDuration) / Double(options.maxFrames))
    }

    /// Frames ffmpeg may write: regular frames are at least `interval` apart and scene changes at
    /// least a quarter of it (a clip that is all cuts, or noise, would otherwise keep every
    /// frame), so about four per interval at most; `thin` brings them down to `maxFrames`.
    var writeLimit: Int { options.maxFrames * 4 + 4 }

    func arguments(input: String) -> [String] {
        [
            "-nostdin", "-hide_banner", "-v", "error",
            // Input options: only local files (no http, no data: URIs), only this container's
            // demuxer (no HLS or concat lists that name other files), never past maxDuration.
            "-protocol_whitelist", "file", "-format_whitelist", info.container.demuxer,
            "-t", Self.number(maxDuration), "-i", "file:" + input,
            // Autorotation is ffmpeg's default: frames come out upright.
            "-map", "0:\(info.streamIndex)", "-vf", filter, "-fps_mode", "passthrough",
            "-frames:v", String(writeLimit), "-pix_fmt", "rgb24", "-compression_level", "1", Self.framePattern,
        ]
    }

    /// select (the first frame, every `interval`, scene changes) -> times -> square pixels ->
    /// at most `maxSide`. Scaling after `select` scales only the frames kept.
    var filter: String {
        let gap = "t-prev_selected_t"
        var select = "isnan(prev_selected_t)+gte(\(gap)\\,\(Self.number(interval)))"
        if options.sceneThreshold < 1 {
            select += "+gt(scene\\,\(Self.number(options.sceneThreshold)))*gte(\(gap)\\,\(Self.number(interval / 4)))"
        }
        var chain = ["select='\(select)'", "metadata=mode=print:file=\(Self.timesFile)"]
        if abs(info.sampleAspectRatio - 1) > 0.001 { chain.append("scale=w='max(1\\,trunc(iw*sar))':h=ih,setsar=1") }
        let side = options.maxSide
        chain.append("scale=w='min(iw\\,\(side))':h='min(ih\\,\(side))':force_original_aspect_ratio=decrease")
        return chain.joined(separator: ",")
    }

    /// `pts_time` of each `frame:` line of the times file, in order.
    static func times(in text: String) -> [Double] {
        text.split(separator: "\n").filter { $0.hasPrefix("frame:") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pts_time:") }.flatMap { Double($0.dropFirst("pts_time:".count)) }
        }
    }

    /// At most `maxFrames` of `count` frames, evenly by position: the first always, the last
    /// when there are two or more, so the kept frames still span the clip.
    static func thin(_ count: Int, to maxFrames: Int) -> [Int] {
        guard count > maxFrames else { return Array(0..<count) }
        guard maxFrames > 1 else { return [0] }
        return (0..<maxFrames).map { Int((Double($0) * Double(count - 1) / Double(maxFrames - 1)).rounded()) }
    }

    /// A decimal without exponent (ffmpeg's expression parser reads `1e-05` but our tests read
    /// the filter too).
    static func number(_ value: Double) -> String { String(format: "%.6f", value) }
}
