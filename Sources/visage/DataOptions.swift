import ArgumentParser
import Foundation
import VisageImaging
import VisageRecognition
import VisageSQLite
import VisageStorage

/// Options of the commands that work on a data directory (serve, recluster, reindex,
/// import-xmp): where the face database lives and which models to use.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data directory: face database and annotated images (default: VISAGE_DATA_DIR or ./data).")
    var dataDirectory: String?

    @Option(help: "Model pack (default: VISAGE_PACK or the manifest's default).")
    var pack: String?

    @Option(name: .customLong("model-dir"), help: "Folder with installed models.")
    var modelDirectory: String?

    var resolvedDataDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        return URL(fileURLWithPath: dataDirectory ?? environment["VISAGE_DATA_DIR"] ?? "data", isDirectory: true)
    }

    /// Opens the store in the data directory and loads the pipeline.
    /// The data directory's database (created with the directory on first use).
    func openStore() throws -> SQLiteFaceStore {
        let directory = resolvedDataDirectory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("can't create the data directory \(directory.path): \(error.localizedDescription)")
        }
        return try SQLiteFaceStore(path: directory.appendingPathComponent("visage.sqlite").path)
    }

    /// The recognition service over `store` (default: the data directory's database).
    func loadRecognition(threadsPerSession: Int = 1, store: (any FaceStore)? = nil) throws -> RecognitionService {
        let environment = ProcessInfo.processInfo.environment
        let directory = resolvedDataDirectory
        let store = try store ?? openStore()
        let settings = PipelineSettings(packName: pack ?? environment["VISAGE_PACK"], modelDirectory: modelDirectory,
                                        threadsPerSession: threadsPerSession)
        let analyzer = try settings.loadAnalyzer()
        let configuration = RecognitionConfiguration(
            annotatedImagesDirectory: directory.appendingPathComponent("annotated_images", isDirectory: true),
            decoder: ImageDecoder(limits: .fromEnvironment()),
            maxSide: environment["VISAGE_MAX_SIDE"].flatMap(Int.init) ?? 4096)
        return try RecognitionService(analyzer: analyzer, store: store, configuration: configuration)
    }
}
