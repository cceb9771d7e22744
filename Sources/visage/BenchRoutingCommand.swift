import ArgumentParser
import Foundation
import VisageCore
import VisageImaging
import VisagePeopleBench
import VisageReferences
import VisageRouting
import VisageSQLite
import VisageServer
import VisageStorage
import VisageVideo

/// Seed 003's routing on testdata: references from the first three photos of every person with
/// five or more in faces_identity (and Lin-Manuel Miranda's one), an inbox of their other photos,
/// everyone else's photos, the clips in testdata/video and a corrupt file. Visage routes the
/// inbox (`MediaRouter`, moves included); the seed's method checks the same files with one frame
/// at 1 s per video, in the same run. Prints throughput and how many files each puts in the right
/// folder; asserts nothing.
struct BenchRoutingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-routing",
        abstract: "Time seed 003's routing of images and videos against the seed's one frame at 1 s, and score the folders.")

    @Option(help: "The testdata folder (default: VISAGE_TESTDATA or ../shared/testdata).")
    var testdata: String?

    @OptionGroup var data: DataOptions

    struct InboxFile {
        let path: String
        let isVideo: Bool
        let belongsInDestination: Bool
    }

    func run() throws {
        MemoryTuning.keepLargeBuffersInHeap()
        let root = URL(fileURLWithPath: testdata ?? ProcessInfo.processInfo.environment["VISAGE_TESTDATA"] ?? "../shared/testdata")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("visage-bench-routing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let folders = ["data", "inbox", "final", "review"].map { work.appendingPathComponent($0).path }
        for folder in folders { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var options = data
        options.dataDirectory = folders[0]
        let store = try options.openStore()
        let tools = try ReferenceTools(options)
        let intake = ReferenceIntake(analyzer: tools.recognition.analyzer, library: tools.library)

        // References, and the inbox with where each file belongs.
        let photos = try TestdataSources.identityPhotos(root).sorted { $0.path < $1.path }
        let byPerson = Dictionary(grouping: photos, by: \.identity)
        var inbox: [InboxFile] = []
        for (person, personPhotos) in byPerson.sorted(by: { $0.key < $1.key }) {
            let referenced = personPhotos.count >= 5 || person == "Lin-Manuel_Miranda"
            let references = referenced ? (person == "Lin-Manuel_Miranda" ? 1 : 3) : 0
            for photo in personPhotos.prefix(references) {
                _ = try? intake.add(personName: person, image: try tools.decode(photo.path), source: photo.path, choice: .prominent, actor: "bench")
            }
            inbox += personPhotos.dropFirst(references).map { InboxFile(path: $0.path, isVideo: false, belongsInDestination: referenced) }
        }
        let video = root.appendingPathComponent("video")
        inbox.append(InboxFile(path: video.appendingPathComponent("short_hamilton_clip.mp4").path, isVideo: true, belongsInDestination: true))
        for clip in [
            "facenet-pytorch_video.mp4", "derived/facenet-pytorch_video_720p_vp9.webm", "pigallery2/video.mp4", "pigallery2/video_mkv.mkv",
            "pigallery2/IMG_7943_HEVC.MOV", "photoprism/earth.mov", "photoprism/mp4v-avc1.mp4",
        ] {
            inbox.append(InboxFile(path: video.appendingPathComponent(clip).path, isVideo: true, belongsInDestination: false))
        }
        inbox.append(
            InboxFile(path: root.appendingPathComponent("formats/corrupt/sharp_truncated.jpg").path, isVideo: false, belongsInDestination: false))
        let references = try store.references(personName: nil, activeOnly: true).count
        print(
            "routing benchmark: \(references) references of \(Set(try store.references(personName: nil, activeOnly: true).map(\.personName)).count) people; inbox of \(inbox.filter { !$0.isVideo }.count) images and \(inbox.filter(\.isVideo).count) videos; pack \(tools.recognition.embeddingModel)"
        )

        let checker = MediaChecker(analyzer: tools.recognition.analyzer, library: tools.library)
        try store.saveRoutingSettings(FaceRoutingSettings(destinationPath: folders[2], reviewPath: folders[3], inboxPath: folders[1]), actor: "bench")
        let router = MediaRouter(
            store: store, checker: checker, sampler: try VideoFrameSampler.fromEnvironment(), decoder: tools.decoder,
            maxSide: tools.recognition.configuration.maxSide, inputRoots: [], lease: RoutingLease(store: store))
        defer { router.mover.lease.stop() }
        var visage = Tally(), seed = Tally()
        for (index, file) in inbox.enumerated() {
            let copy = (folders[1] as NSString).appendingPathComponent("\(index)-" + (file.path as NSString).lastPathComponent)
            try FileManager.default.copyItem(atPath: file.path, toPath: copy)
            let start = ContinuousClock.now
            let outcome = try router.route(copy, actor: "bench")
            let toDestination = outcome.movedTo?.hasPrefix(folders[2] + "/") == true
            visage.add(
                file, seconds: (ContinuousClock.now - start).inSeconds, frames: outcome.check?.video?.framesAnalysed ?? 0,
                toDestination: toDestination)
        }
        for file in inbox {
            let start = ContinuousClock.now
            let (matched, frames) = seedCheck(file, checker: checker, tools: tools)
            seed.add(file, seconds: (ContinuousClock.now - start).inSeconds, frames: frames, toDestination: matched)
        }
        print("method                           images  images/s  videos  videos/s  frames  frames/s  right folder (images, videos)")
        visage.print("Visage (frames across the clip)")
        seed.print("seed (one frame at 1 s)")
    }

    /// The seed's check: images as they are, a video by its frame at 1 s (none for a clip shorter
    /// than that, which then goes to review).
    func seedCheck(_ file: InboxFile, checker: MediaChecker, tools: ReferenceTools) -> (Bool, Int) {
        do {
            if !file.isVideo { return (try checker.check(image: try tools.decode(file.path), tolerance: 0.6, personName: nil).hasMatch, 0) }
            let frame = FileManager.default.temporaryDirectory.appendingPathComponent("visage-seed-frame-\(UUID().uuidString).png")
            defer { try? FileManager.default.removeItem(at: frame) }
            let ffmpeg = Process()
            ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            ffmpeg.arguments = ["ffmpeg", "-nostdin", "-v", "error", "-ss", "1", "-i", file.path, "-frames:v", "1", "-y", frame.path]
            ffmpeg.standardError = FileHandle.nullDevice
            try ffmpeg.run()
            ffmpeg.waitUntilExit()
            guard FileManager.default.fileExists(atPath: frame.path) else { return (false, 0) }
            return (try checker.check(image: try tools.decode(frame.path), tolerance: 0.6, personName: nil).hasMatch, 1)
        } catch {
            return (false, 0)
        }
    }

    struct Tally {
        var images = 0, videos = 0, frames = 0
        var imageSeconds = 0.0, videoSeconds = 0.0
        var rightImages = 0, rightVideos = 0

        mutating func add(_ file: InboxFile, seconds: Double, frames: Int, toDestination: Bool) {
            let right = toDestination == file.belongsInDestination
            if file.isVideo {
                (videos, videoSeconds, self.frames) = (videos + 1, videoSeconds + seconds, self.frames + frames)
                if right { rightVideos += 1 }
            } else {
                (images, imageSeconds) = (images + 1, imageSeconds + seconds)
                if right { rightImages += 1 }
            }
        }

        func print(_ name: String) {
            Swift.print(
                String(
                    format: "%@  %6d  %8.2f  %6d  %8.2f  %6d  %8.2f  %d/%d, %d/%d", name.padding(toLength: 31, withPad: " ", startingAt: 0), images,
                    Double(images) / max(imageSeconds, 1e-9), videos, Double(videos) / max(videoSeconds, 1e-9), frames,
                    Double(frames) / max(videoSeconds, 1e-9), rightImages, images, rightVideos, videos))
        }
    }
}
