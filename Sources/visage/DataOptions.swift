import ArgumentParser
import Foundation
import VisageANN
import VisageClustering
import VisageCore
import VisageFaces
import VisageImaging
import VisageInference
import VisageModels
import VisagePostgres
import VisageRecognition
import VisageRouting
import VisageSQLite
import VisageSearch
import VisageStorage
import VisageTasks

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

    /// Where the review queue's deleted files wait until `visage review empty-trash`.
    var reviewTrash: ReviewTrash {
        ReviewTrash(folder: resolvedDataDirectory.appendingPathComponent("trash", isDirectory: true).path)
    }

    /// `VISAGE_DATABASE_URL`: a `postgres://` URL puts every store in that database
    /// (`openLibrary()`); unset, everything is in the data directory's SQLite file. Anything else
    /// is refused.
    static func databaseURL(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresURL? {
        guard let value = environment["VISAGE_DATABASE_URL"], !value.isEmpty else { return nil }
        return try PostgresURL(parsing: value)
    }

    /// The people store alone (recognition, without the face database's and image embeddings'
    /// indexes): PostgreSQL's or the data directory's.
    func openFaceStore() throws -> any FaceStore {
        if let url = try Self.databaseURL() { return PostgresFaceStore(store: try PostgresStore(url: url)) }
        return try openStore()
    }

    /// The stores that both backends keep on the database alone, with no index in the process:
    /// API keys, web UI sessions, references, routing and classifiers. For the commands that need
    /// no more of the library.
    func openRecordStores() throws -> any RecordStores {
        if let url = try Self.databaseURL() { return try PostgresStore(url: url) }
        return try openStore()
    }

    /// The store of API keys and web UI sessions, without the rest of the library.
    func openKeyStore() throws -> any KeyStore & SessionStore {
        try openRecordStores()
    }

    /// The data directory's SQLite database (created with the directory on first use), for the
    /// tools that only work on one (benchmarks). Refused while `VISAGE_DATABASE_URL` names
    /// PostgreSQL: silently using a local file instead would split the library.
    func openStore() throws -> SQLiteFaceStore {
        if let url = try Self.databaseURL() {
            throw VisageError(
                .invalidConfiguration,
                """
                VISAGE_DATABASE_URL names PostgreSQL (\(url.redacted)), but this command works on the data directory's \
                SQLite database only. Unset VISAGE_DATABASE_URL to use it
                """)
        }
        let directory = resolvedDataDirectory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("can't create the data directory \(directory.path): \(error.localizedDescription)")
        }
        return try SQLiteFaceStore(path: directory.appendingPathComponent("visage.sqlite").path)
    }

    /// Where vector indexes are saved between runs: `vector-indexes/` beside the database.
    var vectorIndexDirectory: URL {
        resolvedDataDirectory.appendingPathComponent("vector-indexes", isDirectory: true)
    }

    /// The vector indexes the stores keep: `VISAGE_VECTOR_INDEX` (`auto`, `exact`, `hnsw`) and the
    /// HNSW settings; graphs are saved in `vectorIndexDirectory`. Throws `invalid_configuration`.
    func vectorIndexFactory() throws -> any VectorIndexFactory {
        try VectorIndexConfiguration.factory(directory: vectorIndexDirectory)
    }

    /// The recognition service over `store` (default: the library's, `openFaceStore()`).
    func loadRecognition(threadsPerSession: Int = 1, store: (any FaceStore)? = nil) throws -> RecognitionService {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try recognitionConfiguration()
        let settings = PipelineSettings(
            packName: pack ?? environment["VISAGE_PACK"], modelDirectory: modelDirectory,
            threadsPerSession: threadsPerSession)
        let analyzer = try settings.loadAnalyzer()
        return try RecognitionService(
            analyzer: analyzer, store: try store ?? openFaceStore(), configuration: configuration,
            indexFactory: try vectorIndexFactory())
    }

    /// Seed 001's models beside `analyzer`'s: its pack's person detector and the CLIP, DINOv2 and
    /// captioner folders of the model directory (`VISAGE_CLIP_MODEL`, `VISAGE_DINOV2_MODEL`,
    /// `VISAGE_CAPTION_MODEL` name other folders: a path, or a folder's name in the model
    /// directory); what is missing is reported by the tasks that need it, not at startup.
    func loadTaskModels(analyzer: FaceAnalyzer, threadsPerSession: Int = 1) throws -> TaskModels {
        let environment = ProcessInfo.processInfo.environment
        let store = modelDirectory.map { ModelStore(directory: URL(fileURLWithPath: $0)) } ?? ModelStore.fromEnvironment()
        // A path, or the name of a folder in the model directory (`VISAGE_CLIP_MODEL=ViT-L-14__openai`).
        let folder = { (key: String) -> URL? in
            guard let value = environment[key], !value.isEmpty else { return nil }
            return value.contains("/") ? URL(fileURLWithPath: value) : store.directory.appendingPathComponent(value)
        }
        return TaskModels.load(
            faces: analyzer, store: store, runtime: try OnnxRuntime.load(),
            options: SessionOptions(intraOpThreads: threadsPerSession, device: InferenceDevice.fromEnvironment()),
            clipFolder: folder("VISAGE_CLIP_MODEL"), dinov2Folder: folder("VISAGE_DINOV2_MODEL"),
            captionerFolder: folder("VISAGE_CAPTION_MODEL"))
    }

    /// The service's settings from the environment (`VISAGE_MAX_SIDE`, image limits,
    /// `VISAGE_CLUSTER_*`, `VISAGE_PEOPLE_SETTLE_SECONDS`); throws
    /// `invalid_configuration` naming a variable whose value is out of range.
    func recognitionConfiguration() throws -> RecognitionConfiguration {
        let settings = EnvironmentSettings()
        return RecognitionConfiguration(
            annotatedImagesDirectory: resolvedDataDirectory.appendingPathComponent("annotated_images", isDirectory: true),
            decoder: ImageDecoder(limits: try .fromEnvironment()),
            maxSide: try settings.integer("VISAGE_MAX_SIDE", in: 64...65536) ?? 4096,
            clusteringOverrides: try ClusteringOverrides.fromEnvironment(settings),
            settling: try SettlingPolicy.fromEnvironment(settings))
    }
}
