import ArgumentParser
import Foundation
import VisageCore
import VisageImaging
import VisageTasks

/// Seed 001's operations timed one by one on a real photo, and the seed's four-task request run
/// as one request against its tasks sent one request each: the speed-up of detecting people and
/// faces once per request. Prints figures; asserts nothing.
struct BenchTasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tasks",
        abstract: "Time each task operation, CLIP's text encoder, and the reuse of detections within a request.")

    @OptionGroup var data: DataOptions

    @Option(help: "Timed repetitions of each measurement (after one warm-up).")
    var repeats: Int = 5

    @Option(help: "ONNX Runtime intra-op threads per session.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "The photo to analyse (a group photo shows detection reuse best).")
    var path: String

    func run() throws {
        let models: TaskModels
        let decoded: DecodedImage
        do {
            let recognition = try data.loadRecognition(threadsPerSession: threads, store: nil)
            models = try data.loadTaskModels(analyzer: recognition.analyzer, threadsPerSession: threads)
            decoded = try recognition.configuration.decoder.decode(.file(path), maxSide: recognition.configuration.maxSide)
        } catch {
            exitWithError(error)
        }
        print("image: \(path) (\(decoded.header.width)x\(decoded.header.height)), \(threads) threads, \(repeats) runs each, p50")
        for (name, tasks) in Self.operations where tasks.allSatisfy({ models.unavailability(of: TaskOperation(rawValue: $0.type)!) == nil }) {
            let seconds = time { _ = TaskRunner(models: models, decoded: decoded).run(tasks) }
            Self.report(name, seconds)
        }
        if let clip = models.clip.model {
            let seconds = time { _ = try? clip.embed(texts: ["a photo of two men in suits shaking hands"]) }
            Self.report("CLIP text encoder (one sentence)", seconds)
        }
        let seedRequest = Self.seedRequest.filter { models.unavailability(of: TaskOperation(rawValue: $0.type)!) == nil }
        let together = time { _ = TaskRunner(models: models, decoded: decoded).run(seedRequest) }
        let alone = time { for task in seedRequest { _ = TaskRunner(models: models, decoded: decoded).run([task]) } }
        print(
            String(
                format: "seed request, %d tasks: one request %.1f ms, one request per task %.1f ms: %.2fx faster together",
                seedRequest.count, together * 1000, alone * 1000, alone / together))
    }

    private static func report(_ name: String, _ seconds: Double) {
        print("  " + name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", seconds * 1000))
    }

    /// The p50 of `repeats` runs of `work`, after one warm-up run.
    private func time(_ work: () -> Void) -> Double {
        work()
        let runs = (0..<max(1, repeats)).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            work()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        return Latency(runs).p50
    }

    private static func task(_ type: TaskOperation, _ target: TaskTarget? = nil, context: FaceContext? = nil) -> AnalysisTask {
        AnalysisTask(operationID: UUID().uuidString, type: type.rawValue, target: target?.rawValue, faceContext: context?.rawValue)
    }

    /// What each line measures: one fresh request each time, so detection is included where the
    /// target needs it.
    private static let operations: [(String, [AnalysisTask])] = [
        ("detect_bounding_box prominent_person", [task(.detectBoundingBox, .prominentPerson)]),
        ("detect_bounding_box prominent_face (image)", [task(.detectBoundingBox, .prominentFace, context: .wholeImage)]),
        ("embed_face", [task(.embedFace, context: .wholeImage)]),
        ("embed_clip_vit_b_32 whole_image", [task(.embedClipViTB32, .wholeImage)]),
        ("embed_clip_vit_b_32 prominent_person", [task(.embedClipViTB32, .prominentPerson)]),
        ("embed_dino_v2 whole_image", [task(.embedDinoV2, .wholeImage)]),
        ("describe_image whole_image", [task(.describeImage, .wholeImage)]),
    ]

    /// Seed 001's example request.
    private static let seedRequest: [AnalysisTask] = [
        task(.embedClipViTB32, .wholeImage), task(.detectBoundingBox, .prominentPerson),
        task(.detectBoundingBox, .prominentFace, context: .prominentPerson),
        task(.embedClipViTB32, .prominentFace, context: .prominentPerson),
    ]
}
