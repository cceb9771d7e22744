import Foundation
import VisageCore
import VisageImaging

/// Turns a video file into sampled, upright frames with their times, through the `ffprobe` and
/// `ffmpeg` executables. Running the tools as child processes (rather than linking libav) keeps a
/// decoder's crash or hang on a hostile file out of the server: the child is killed at the
/// deadline and the server carries on. See docs/VIDEO.md.
///
/// Synchronous and blocking (seconds per clip): call it from a worker thread, never from the
/// cooperative pool or an event loop.
public struct VideoFrameSampler: Sendable {
    public var tools: VideoTools
    public var options: SamplingOptions
    public var limits: VideoLimits
    /// Where each clip's private scratch folder is made (and always removed).
    public var temporaryRoot: URL

    public init(
        tools: VideoTools = VideoTools(), options: SamplingOptions = .default, limits: VideoLimits = .default,
        temporaryRoot: URL = FileManager.default.temporaryDirectory
    ) {
        self.tools = tools
        self.options = options
        self.limits = limits
        self.temporaryRoot = temporaryRoot
    }

    /// Tools, sampling and limits from `VISAGE_*` variables; `invalid_configuration` for a value
    /// out of range. The tools themselves are looked for on the first clip.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> VideoFrameSampler {
        VideoFrameSampler(
            tools: .fromEnvironment(environment), options: try .fromEnvironment(environment),
            limits: try .fromEnvironment(environment))
    }

    /// The clip described, without decoding a frame.
    public func probe(_ url: URL) throws -> VideoInfo {
        let ffprobe = try tools.resolve().ffprobe
        let path = try Self.checkedPath(url)
        let deadline = DispatchTime.now() + limits.timeout
        return try ScratchDirectory.with(in: temporaryRoot) { try probe(path, with: ffprobe, in: $0, until: deadline) }
    }

    /// The sampled frames, in time order, with the clip's description.
    public func sample(_ url: URL) throws -> SampledVideo {
        let executables = try tools.resolve()
        let path = try Self.checkedPath(url)
        let deadline = DispatchTime.now() + limits.timeout
        return try ScratchDirectory.with(in: temporaryRoot) { scratch in
            let info = try probe(path, with: executables.ffprobe, in: scratch, until: deadline)
            let frames = try extract(path, info: info, with: executables.ffmpeg, in: scratch, until: deadline)
            return SampledVideo(info: info, frames: frames)
        }
    }

    /// `sample(url).frames`.
    public func frames(of url: URL) throws -> [VideoFrame] {
        try sample(url).frames
    }

    private func probe(_ path: String, with ffprobe: String, in scratch: URL, until deadline: DispatchTime) throws -> VideoInfo {
        let name = (path as NSString).lastPathComponent
        let container = try Self.container(of: path)
        let arguments = [
            "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", container.demuxer,
            "-print_format", "json", "-show_format", "-show_streams", "file:" + path,
        ]
        let run = try ToolProcess(executable: ffprobe, arguments: arguments, directory: scratch)
            .run(until: deadline, name: name, timeout: limits.timeout)
        guard run.status == 0 else { throw VisageError(.videoUnreadable, "\(name) is not a video ffprobe can read: \(Self.firstLine(run.stderr))") }
        let output: ProbeOutput
        do { output = try JSONDecoder().decode(ProbeOutput.self, from: Data(contentsOf: run.stdout)) } catch {
            throw VisageError(.videoUnreadable, "\(name): ffprobe's description could not be read (\(error))")
        }
        let info = try output.info(container: container, name: name)
        try check(info, name: name)
        return info
    }

    private func check(_ info: VideoInfo, name: String) throws {
        let pixels = info.codedWidth * info.codedHeight
        if pixels > limits.image.maxPixels {
            throw VisageError(
                .videoTooLarge,
                "\(name) has \(info.codedWidth)x\(info.codedHeight) frames (\(pixels) pixels), over the limit of \(limits.image.maxPixels) pixels (VISAGE_MAX_PIXELS)"
            )
        }
        if let duration = info.duration, duration > limits.maxDuration {
            throw VisageError(
                .videoTooLarge,
                "\(name) lasts \(ToolProcess.seconds(duration.rounded())) s, over the limit of \(ToolProcess.seconds(limits.maxDuration)) s (VISAGE_VIDEO_MAX_SECONDS)"
            )
        }
    }

    private func extract(
        _ path: String, info: VideoInfo, with ffmpeg: String, in scratch: URL, until deadline: DispatchTime
    ) throws
        -> [VideoFrame]
    {
        let name = (path as NSString).lastPathComponent
        let plan = FramePlan(info: info, options: options, maxDuration: limits.maxDuration)
        let run = try ToolProcess(executable: ffmpeg, arguments: plan.arguments(input: path), directory: scratch)
            .run(until: deadline, name: name, timeout: limits.timeout)
        let times = FramePlan.times(in: (try? String(contentsOf: scratch.appendingPathComponent(FramePlan.timesFile), encoding: .utf8)) ?? "")
        let files = (1...max(1, times.count)).map { scratch.appendingPathComponent(String(format: "frame_%06d.png", $0)) }
            .prefix { FileManager.default.fileExists(atPath: $0.path) }
        let count = min(times.count, files.count)
        // A failing ffmpeg may still have written frames before the broken part; they are used.
        guard count > 0 else {
            let reason = run.status == 0 ? "no frame could be decoded" : Self.firstLine(run.stderr)
            throw VisageError(.videoUnreadable, "\(name): ffmpeg read no frame (\(reason))")
        }
        let decoder = ImageDecoder(limits: limits.image)
        return try FramePlan.thin(count, to: options.maxFrames).map { index in
            let image: DecodedImage
            do { image = try decoder.decode(.file(files[index].path)) } catch let error as VisageError {
                throw VisageError(error.errorCode, "\(name), frame at \(times[index]) s: \(error.message)")
            }
            return VideoFrame(time: times[index], image: image)
        }
    }

    /// The container the first bytes name; anything else is refused before ffprobe sees it.
    static func container(of path: String) throws -> VideoContainer {
        let name = (path as NSString).lastPathComponent
        guard let handle = FileHandle(forReadingAtPath: path) else { throw VisageError(.imageUnreadable, "\(path) cannot be read (permissions)") }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: MediaSniffer.prefixLength)) ?? Data()
        guard let container = MediaSniffer.videoContainer(of: head) else {
            let known = VideoContainer.allCases.map(\.rawValue).joined(separator: ", ")
            throw VisageError(.videoUnreadable, "\(name) is not a video container Visage reads (\(known))")
        }
        return container
    }

    /// The absolute path of a regular, non-empty file; the same codes as an image path.
    static func checkedPath(_ url: URL) throws -> String {
        let path = url.standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VisageError(.imageNotFound, "no file at \(path)")
        }
        guard !isDirectory.boolValue else { throw VisageError(.imageNotAFile, "\(path) is a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { throw VisageError(.imageEmpty, "\(path) is empty") }
        return path
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "no message" : String(line.prefix(300))
    }
}

extension VideoFrameSampler {
    /// Samples a clip held in memory (an upload, base64, a download): it is written to a private
    /// temporary folder for ffmpeg, and removed with the frames.
    public func sample(data: Data) throws -> SampledVideo {
        try ScratchDirectory.with(in: temporaryRoot) { folder in
            let file = folder.appendingPathComponent("input")
            guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw VisageError(.internalError, "could not write the video to \(folder.path)")
            }
            return try sample(file)
        }
    }
}
