import ArgumentParser
import Foundation
import VisageCore
import VisageFaces
import VisageImaging

/// Micro-benchmarks of pipeline stages. Prints figures; asserts nothing.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time face embedding at batch 1 and batch 32 on faces from real images.")

    @Option(help: "Model pack.")
    var pack: String?

    @Option(name: .customLong("model-dir"), help: "Folder with installed models.")
    var modelDirectory: String?

    @Option(help: "ONNX Runtime intra-op threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Timed repetitions per batch size.")
    var repeats: Int = 5

    @Argument(help: "Images to take faces from.")
    var paths: [String]

    func run() throws {
        let settings = PipelineSettings(packName: pack, modelDirectory: modelDirectory, threadsPerSession: threads)
        let analyzer: FaceAnalyzer
        do { analyzer = try settings.loadAnalyzer() } catch { exitWithError(error) }
        let decoder = ImageDecoder()
        var crops: [RGBImage] = []
        for path in ImageFiles.collect(paths) {
            guard let decoded = try? decoder.decode(.file(path), maxSide: 4096),
                let faces = try? analyzer.analyze(decoded, options: .init(embeddings: false))
            else { continue }
            crops += faces.map { decoded.image.aligned($0.detection.landmarks.scaled(by: decoded.scale), to: .arcFace112) }
        }
        guard !crops.isEmpty else { exitWithError(VisageError(.noFaces, "no faces found in the given images")) }
        while crops.count < 32 { crops += crops }
        for batch in [1, 32] {
            let faces = Array(crops.prefix(batch))
            _ = try analyzer.embed(alignedFaces: faces)  // warm-up
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repeats { _ = try analyzer.embed(alignedFaces: faces) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let perFace = seconds * 1000 / Double(repeats * batch)
            print(String(format: "embedding batch %2d: %.2f ms per face (%@, %d threads)", batch, perFace, analyzer.pack.name, threads))
        }
    }
}
