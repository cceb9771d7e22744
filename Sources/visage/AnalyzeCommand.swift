import ArgumentParser
import Foundation
import VisageCore
import VisageFaces
import VisageImaging
import VisageServer

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find faces with landmarks, pose, attributes and embeddings in images or folders.",
        discussion: "Exit status: 0 when every image was analysed, 2 when some failed (each reported), 1 when nothing could run.")

    @Option(help: "Model pack (default: VISAGE_PACK or the manifest's default).")
    var pack: String?

    @Option(name: .customLong("model-dir"), help: "Folder with installed models (default: VISAGE_MODEL_DIR).")
    var modelDirectory: String?

    @Flag(help: "Include each face's embedding vector.")
    var embeddings = false

    @Flag(help: "Print one JSON object per image on stdout.")
    var json = false

    @Option(help: "Images analysed at once (default: number of cores).")
    var jobs: Int?

    @Option(name: .customLong("small-faces"), help: "Tiled second pass for small faces: auto, always or off.")
    var smallFaces: String = "auto"

    @Flag(name: .customLong("no-upright-search"), help: "Don't search turned copies of images whose upright pass finds no convincing face.")
    var noUprightSearch = false

    @Option(name: .customLong("max-side"), help: "Longest side images are reduced to before analysis (default: VISAGE_MAX_SIDE or 4096).")
    var maxSide: Int?

    @Argument(help: "Image files or folders (searched recursively).")
    var paths: [String]

    func run() throws {
        guard let search = SmallFaceSearch(rawValue: smallFaces) else {
            throw ValidationError("--small-faces must be auto, always or off")
        }
        MemoryTuning.keepLargeBuffersInHeap()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workers = max(1, jobs ?? cores)
        let settings = PipelineSettings(
            packName: pack, modelDirectory: modelDirectory,
            threadsPerSession: max(1, cores / workers))
        let analyzer: FaceAnalyzer
        do { analyzer = try settings.loadAnalyzer() } catch { exitWithError(error) }

        let files = ImageFiles.collect(paths)
        let decoder: ImageDecoder, side: Int
        do {
            decoder = ImageDecoder(limits: try .fromEnvironment())
            side = try maxSide ?? EnvironmentSettings().integer("VISAGE_MAX_SIDE", in: 64...65536) ?? 4096
        } catch {
            exitWithError(error)
        }
        let options = AnalysisOptions(embeddings: embeddings, smallFaces: search, uprightSearch: !noUprightSearch)
        let progress = ProgressBar(total: files.count)
        let printer = OrderedPrinter()
        let failures = Counter()

        ParallelMap.run(count: files.count, workers: workers) { index in
            let path = files[index]
            let line: String
            do {
                let decoded = try decoder.decode(.file(path), maxSide: side)
                let faces = try analyzer.analyze(decoded, options: options)
                line =
                    json
                    ? ImageAnalysisPayload(path: path, decoded: decoded, faces: faces, modelsUsed: analyzer.modelsUsed).jsonLine()
                    : "\(path): \(faces.count) face\(faces.count == 1 ? "" : "s") (\(decoded.header.width)x\(decoded.header.height))"
            } catch {
                let visage = error as? VisageError ?? VisageError(.analysisFailed, "\(error)")
                failures.increment()
                line = json ? ImageErrorPayload(path: path, error: visage).jsonLine() : "\(path): error [\(visage.code)] \(visage.message)"
            }
            printer.emit(index: index, line: line)
            progress.advance()
        }
        if failures.value > 0 { throw ExitCode(2) }
    }
}
