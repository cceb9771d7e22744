import ArgumentParser
import Foundation
import VisageCore
import VisageImaging
import VisageRecognition
import VisageXMP

/// Recognises a whole folder, images with named XMP face regions first, so the people they name
/// exist before the unlabelled photos are grouped (the seed's "processing order").
struct ImportXMPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-xmp",
        abstract: "Recognise every image of a folder, labelled (XMP face regions) images first. Image ids are absolute paths.")

    @Argument(help: "Folders or image files.")
    var paths: [String]

    @OptionGroup var data: DataOptions

    @Option(help: "Images analysed at once (default: the number of cores).")
    var jobs: Int?

    func run() throws {
        MemoryTuning.keepLargeBuffersInHeap()
        let service: RecognitionService
        do { service = try data.loadRecognition() } catch { exitWithError(error) }
        let files = ImageFiles.collect(paths).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let reader = FaceRegionReader(decoder: service.configuration.decoder)
        // Reading regions is cheap (headers and XMP only); it decides the order.
        let labelled = files.filter { file in
            ((try? reader.read(imageAt: file))?.resolved.regions ?? []).contains { $0.name != nil }
        }
        let labelledSet = Set(labelled)
        let ordered = labelled + files.filter { !labelledSet.contains($0) }
        FileHandle.standardError.write(Data("\(files.count) images, \(labelled.count) with named face regions\n".utf8))

        let faces = Counter(), named = Counter(), failed = Counter()
        let workers = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        // Labelled images first, all of them before any unlabelled one starts.
        for batch in [Array(ordered.prefix(labelled.count)), Array(ordered.dropFirst(labelled.count))] {
            ParallelMap.run(count: batch.count, workers: workers) { index in
                let file = batch[index]
                do {
                    let orientation = try service.configuration.decoder.header(.file(file)).orientation.rawValue
                    let result = try service.recognize(RecognizeRequest(imageID: file, imagePath: file, orientation: orientation))
                    for face in result.faces {
                        faces.increment()
                        if face.inputFaceMatch?.name != nil { named.increment() }
                    }
                } catch {
                    failed.increment()
                    let code = (error as? VisageError)?.code ?? "error"
                    FileHandle.standardError.write(Data("\(file): \(code): \((error as? VisageError)?.message ?? "\(error)")\n".utf8))
                }
            }
        }
        // The next start reads the graph back instead of building it (a no-op for small indexes).
        try service.library.saveIndex()
        let info = try service.faceInfo()
        print(
            "imported \(files.count - failed.value) images: \(faces.value) faces, \(named.value) named by XMP; "
                + "\(info.totalClusters) people, \(info.namedClusters) named")
        if failed.value > 0 { throw ExitCode(2) }
    }
}
