import Foundation
import Testing
import VisageCore
import VisageImaging

@testable import VisageVideo

/// `VideoFrameSampler` on the real clips in testdata/video, through the installed ffmpeg. Every
/// test gives the sampler a temporary root of its own and checks it is empty afterwards, on
/// success and on failure: the scratch folder never outlives a call.
@Suite struct VideoFramesTests {
    static let video = CLI.testdata.appendingPathComponent("video")

    /// Samples `path` with a fresh temporary root, and checks the root is left empty whatever happens.
    static func sample(
        _ path: String, options: SamplingOptions = .default, limits: VideoLimits = .default, tools: VideoTools = VideoTools()
    ) throws -> SampledVideo {
        try sample(url: video.appendingPathComponent(path), options: options, limits: limits, tools: tools)
    }

    static func sample(
        url: URL, options: SamplingOptions = .default, limits: VideoLimits = .default, tools: VideoTools = VideoTools()
    ) throws -> SampledVideo {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("video-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer {
            #expect((try? FileManager.default.contentsOfDirectory(atPath: root.path)) == [], "scratch left in \(root.path)")
            try? FileManager.default.removeItem(at: root)
        }
        return try VideoFrameSampler(tools: tools, options: options, limits: limits, temporaryRoot: root).sample(url)
    }

    /// The code of the `VisageError` `body` throws.
    static func code(_ body: () throws -> Void) -> ErrorCode? {
        do { try body() } catch let error as VisageError { return error.errorCode } catch { return nil }
        return nil
    }

    static func expectSpread(_ result: SampledVideo) {
        let times = result.frames.map(\.time)
        #expect(times == times.sorted() && Set(times).count == times.count, "times increase: \(times)")
    }

    @Test func framesSpreadAcrossAShortClip() throws {
        let result = try Self.sample("short_hamilton_clip.mp4")
        #expect(result.info.codec == "h264" && result.info.width == 640 && result.info.height == 360 && result.info.rotation == 0)
        #expect(abs((result.info.duration ?? 0) - 10) < 0.1)
        #expect(abs((result.info.frameRate ?? 0) - 29.97) < 0.01)
        #expect(result.frames.count >= 10 && result.frames.count <= 60, "\(result.frames.count) frames")
        Self.expectSpread(result)
        // The video track starts 0.84 s in (the audio at 0).
        #expect((result.frames.first?.time ?? 99) < 1 && (result.frames.last?.time ?? 0) > 8.5)
        for frame in result.frames {
            #expect(frame.image.image.width <= 640 && frame.image.image.height <= 360)
            #expect(frame.image.image.pixels.count == frame.image.image.width * frame.image.image.height * 3)
        }
    }

    @Test func largeFramesAreReducedToMaxSide() throws {
        let result = try Self.sample("facenet-pytorch_video.mp4")
        #expect(result.info.width == 1920 && result.info.height == 1080)
        #expect(!result.frames.isEmpty)
        for frame in result.frames { #expect(frame.image.image.width == 1280 && frame.image.image.height == 720) }
        let small = try Self.sample(
            "facenet-pytorch_video.mp4", options: SamplingOptions(interval: 1, sceneThreshold: 0.3, maxFrames: 60, maxSide: 320))
        for frame in small.frames { #expect(max(frame.image.image.width, frame.image.image.height) == 320) }
    }

    @Test(arguments: [("pigallery2/video_rotate.mp4", 60, 80), ("photoprism/quicktime-hvc1.mov", 720, 1280)])
    func rotatedClipsComeOutPortrait(path: String, width: Int, height: Int) throws {
        let result = try Self.sample(path)
        #expect(result.info.rotation % 180 == 90, "rotation \(result.info.rotation)")
        #expect(result.info.width == width && result.info.height == height)
        #expect(result.info.codedWidth == height && result.info.codedHeight == width)
        #expect(!result.frames.isEmpty)
        for frame in result.frames { #expect(frame.image.image.width == width && frame.image.image.height == height) }
    }

    @Test(arguments: ["photoprism/isom-avc1.mp4", "photoprism/mp42-hvc1.mp4"])
    func clipsUnderASecondGiveAFrame(path: String) throws {
        let result = try Self.sample(path)
        #expect((result.info.duration ?? 99) < 1.3)
        #expect(!result.frames.isEmpty)
        #expect((result.frames.first?.time ?? 99) < 0.1)
    }

    /// Every clip that holds its frames, with the container, frames and seconds printed (what
    /// docs/VIDEO.md reports; timings are never asserted).
    @Test func everyContainerIsRead() throws {
        let clips: [(String, VideoContainer)] = [
            ("short_hamilton_clip.mp4", .mp4), ("facenet-pytorch_video.mp4", .mp4),
            ("derived/facenet-pytorch_video_720p_vp9.webm", .webm), ("pigallery2/video.mp4", .mp4),
            ("pigallery2/video_mkv.mkv", .matroska), ("pigallery2/IMG_7943_HEVC.MOV", .mov), ("photoprism/earth.mov", .mov),
            ("photoprism/earth.avi", .avi), ("photoprism/blue-go-video.mp4", .mp4), ("photoprism/mp4v-avc1.mp4", .mp4),
        ]
        for (path, container) in clips {
            let start = ContinuousClock.now
            let result = try Self.sample(path)
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            #expect(result.info.container == container, "\(path)")
            #expect(!result.frames.isEmpty, "\(path)")
            Self.expectSpread(result)
            let info = result.info
            print(
                "video \(path): \(info.codec) \(info.width)x\(info.height) \(String(format: "%.1f", info.duration ?? 0)) s -> \(result.frames.count) frames in \(String(format: "%.2f", seconds)) s"
            )
        }
    }

    @Test(arguments: ["photoprism/quicktime-jpeg.mov", "photoprism/earth.mov"])
    func aLongClipSpreadsItsFrameCapToTheEnd(path: String) throws {
        if path.hasSuffix("quicktime-jpeg.mov") {
            // A QuickTime reference movie: its frames live in another file, which ffmpeg does not
            // open (`enable_drefs` is off), so it has none of its own.
            #expect(Self.code { _ = try Self.sample(path) } == .videoUnreadable)
            return
        }
        let options = SamplingOptions(interval: 1, sceneThreshold: 0.3, maxFrames: 10, maxSide: 1280)
        let result = try Self.sample(path, options: options)
        let duration = try #require(result.info.duration)
        #expect(duration > 30)
        #expect(result.frames.count <= 10 && result.frames.count >= 8, "\(result.frames.count) frames")
        Self.expectSpread(result)
        #expect((result.frames.last?.time ?? 0) > duration * 0.8, "last at \(result.frames.last?.time ?? 0) of \(duration)")
    }

    @Test func brokenFilesAreTheCallersError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("video-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let truncated = folder.appendingPathComponent("truncated.mp4")
        let clip = try Data(contentsOf: Self.video.appendingPathComponent("short_hamilton_clip.mp4"))
        try clip.prefix(20_000).write(to: truncated)
        let random = folder.appendingPathComponent("random.mp4")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: random)
        // Random bytes behind a real MP4 header: the sniffer says mp4, ffprobe finds no frames.
        let garbage = folder.appendingPathComponent("garbage.mp4")
        try (clip.prefix(32) + Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) })).write(to: garbage)
        // The clip's sound alone: an MP4 with no video stream.
        let audio = folder.appendingPathComponent("audio.mp4")
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        copy.arguments = [
            "-nostdin", "-v", "error", "-i", Self.video.appendingPathComponent("short_hamilton_clip.mp4").path, "-vn", "-c", "copy", audio.path,
        ]
        try copy.run()
        copy.waitUntilExit()
        #expect(copy.terminationStatus == 0)
        for url in [truncated, random, garbage, audio] {
            let code = Self.code { _ = try Self.sample(url: url) }
            #expect(code == .videoUnreadable, "\(url.lastPathComponent)")
            #expect(code.map { (400..<500).contains($0.status) } == true)
        }
        #expect(Self.code { _ = try Self.sample(url: folder.appendingPathComponent("missing.mp4")) } == .imageNotFound)
    }

    @Test func missingToolsAreTheServersError() throws {
        for tools in [VideoTools(ffmpeg: "/nonexistent/ffmpeg"), VideoTools(ffprobe: "/nonexistent/ffprobe"), VideoTools(searchPath: "/nonexistent")]
        {
            var message = ""
            do { _ = try Self.sample("pigallery2/video.mp4", tools: tools) } catch let error as VisageError {
                #expect(error.errorCode == .videoToolsUnavailable && error.status >= 500)
                message = error.message
            }
            #expect(message.contains("VISAGE_FFMPEG") || message.contains("VISAGE_FFPROBE"), "\(message)")
        }
        let fromEnvironment = VideoTools.fromEnvironment(["VISAGE_FFMPEG": "/nonexistent", "PATH": "/usr/bin"])
        #expect(Self.code { _ = try Self.sample("pigallery2/video.mp4", tools: fromEnvironment) } == .videoToolsUnavailable)
    }

    @Test func limitsAreCheckedBeforeDecoding() {
        let short = VideoLimits(timeout: 120, maxDuration: 5, image: .default)
        #expect(Self.code { _ = try Self.sample("short_hamilton_clip.mp4", limits: short) } == .videoTooLarge)
        let small = VideoLimits(timeout: 120, maxDuration: 1800, image: ImageLimits(maxPixels: 640 * 360 - 1, maxBytes: 1 << 30))
        #expect(Self.code { _ = try Self.sample("short_hamilton_clip.mp4", limits: small) } == .videoTooLarge)
    }

    /// A deadline that passes during ffprobe, and one that passes while "ffmpeg" (a script that
    /// sleeps, so the timing does not depend on this machine's speed) runs: both are
    /// `video_timeout`, and the killed child is gone.
    @Test func aTimeoutKillsFFmpeg() throws {
        let instant = VideoLimits(timeout: 0.001, maxDuration: 1800, image: .default)
        #expect(Self.code { _ = try Self.sample("facenet-pytorch_video.mp4", limits: instant) } == .videoTimeout)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("video-slow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let argument = "41.\(Int.random(in: 100_000...999_999))"
        let script = folder.appendingPathComponent("ffmpeg")
        try "#!/bin/sh\nexec sleep \(argument)\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let limits = VideoLimits(timeout: 2, maxDuration: 1800, image: .default)
        let tools = VideoTools(ffmpeg: script.path)
        #expect(Self.code { _ = try Self.sample("pigallery2/video.mp4", limits: limits, tools: tools) } == .videoTimeout)
        #expect(try Self.processes(containing: argument).isEmpty)
    }

    /// Process ids whose command line contains `text`.
    static func processes(containing text: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { $0.allSatisfy(\.isNumber) }.filter {
            let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\($0)/cmdline"))) ?? Data()
            return String(decoding: command, as: UTF8.self).contains(text)
        }
    }

    /// The child is killed and reaped at the deadline: no process with its (unique) argument is
    /// left.
    @Test func aKilledToolLeavesNoProcess() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("video-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let argument = "37.\(Int.random(in: 100_000...999_999))"
        let tool = ToolProcess(executable: "/bin/sleep", arguments: [argument], directory: scratch)
        #expect(Self.code { _ = try tool.run(until: .now() + 0.2, name: "sleep", timeout: 0.2) } == .videoTimeout)
        #expect(try Self.processes(containing: argument).isEmpty)
    }

    @Test func framePlanUnits() {
        #expect(FramePlan.thin(5, to: 10) == [0, 1, 2, 3, 4])
        #expect(FramePlan.thin(100, to: 4) == [0, 33, 66, 99])
        #expect(FramePlan.thin(100, to: 1) == [0])
        let text = "frame:0    pts:10118   pts_time:0.844011\nlavfi.scene_score=0.000000\nframe:1    pts:22118   pts_time:1.84501\n"
        #expect(FramePlan.times(in: text) == [0.844011, 1.84501])
        #expect(ProbeOutput.ratio("30000/1001", separator: "/").map { abs($0 - 29.97) < 0.01 } == true)
        #expect(ProbeOutput.ratio("0/0", separator: "/") == nil && ProbeOutput.ratio("0:1", separator: ":") == nil)
    }

    @Test func settingsFromTheEnvironment() throws {
        let sampler = try VideoFrameSampler.fromEnvironment([
            "VISAGE_VIDEO_TIMEOUT": "30", "VISAGE_VIDEO_MAX_SECONDS": "600", "VISAGE_VIDEO_MAX_FRAMES": "12",
            "VISAGE_VIDEO_INTERVAL": "0.5", "VISAGE_VIDEO_SCENE_THRESHOLD": "0.4", "VISAGE_VIDEO_MAX_SIDE": "960",
            "VISAGE_FFMPEG": "/opt/ffmpeg",
        ])
        #expect(sampler.limits.timeout == 30 && sampler.limits.maxDuration == 600)
        #expect(sampler.options.maxFrames == 12 && sampler.options.interval == 0.5 && sampler.options.sceneThreshold == 0.4)
        #expect(sampler.options.maxSide == 960 && sampler.tools.ffmpeg == "/opt/ffmpeg" && sampler.tools.ffprobe == nil)
        for (name, value) in [("VISAGE_VIDEO_TIMEOUT", "0"), ("VISAGE_VIDEO_TIMEOUT", "1e20"), ("VISAGE_VIDEO_MAX_FRAMES", "0")] {
            #expect(Self.code { _ = try VideoFrameSampler.fromEnvironment([name: value]) } == .invalidConfiguration)
        }
    }
}
