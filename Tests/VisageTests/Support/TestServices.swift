import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import VisageAccess
import VisageFaces
import VisageInference
import VisageInput
import VisageModels
import VisageRecognition
import VisageReferences
import VisageRouting
import VisageSQLite
import VisageStorage
import VisageTasks

@testable import VisageServer

/// The lite pipeline loaded once per test process, and HTTP services around a given store.
enum TestServices {
    static let runtime: OnnxRuntime = try! OnnxRuntime.load()

    /// The process's metrics backend, set up once (swift-metrics allows one bootstrap) before the
    /// pipeline loads, as `visage serve` does.
    static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static let analyzer: FaceAnalyzer = {
        _ = CLI.modelDirectory  // installs the lite pack
        _ = metrics
        let store = ModelStore(directory: URL(fileURLWithPath: CLI.modelDirectory))
        let pack = try! ModelManifest.bundled().pack(named: "lite")
        return try! FaceAnalyzer(
            pack: pack, store: store, runtime: runtime,
            options: SessionOptions(intraOpThreads: 1, device: .cpu))
    }()

    /// One fetcher for the process, with the default (strict) policy: an `HTTPClient` must be
    /// shut down before it is released, and a static one never is.
    static let fetcher = ImageFetcher(policy: InputPolicy())

    /// Services over `store` (a fresh in-memory one by default). Its keys guard the API, which is
    /// open while it holds none, as on a loopback server. `collections` and `keys` put the face
    /// database, or the keys and sessions, in another backend's store.
    static func make(
        store: SQLiteFaceStore? = nil, collections: (any FaceCollectionStore)? = nil, keys keyStore: (any KeyStore & SessionStore)? = nil,
        annotatedDirectory: URL? = nil, fetcher: ImageFetcher = fetcher,
        extraction: ExtractionSettings = ExtractionSettings(),
        concurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount, maxQueued: Int = 128,
        settling: SettlingPolicy = .off, reviewTrash: URL = temporaryDirectory().appendingPathComponent("trash"),
        taskModels: TaskModels? = nil, imageEmbeddings: (any ImageEmbeddingStore)? = nil, jobs: (any JobStore)? = nil
    ) throws -> ServerServices {
        let store = try store ?? SQLiteFaceStore.inMemory()
        let stores = TestDatabase.Stores(
            faces: { store }, collections: try collections ?? SQLiteFaceCollections(store: store), keys: keyStore ?? store,
            images: try imageEmbeddings ?? SQLiteImageEmbeddings(store: store), references: store, routing: store, classifiers: store,
            jobs: jobs ?? SQLiteJobStore(store: store))
        return try make(
            stores: stores, annotatedDirectory: annotatedDirectory, fetcher: fetcher, extraction: extraction,
            concurrentJobs: concurrentJobs, maxQueued: maxQueued, settling: settling, reviewTrash: reviewTrash, taskModels: taskModels)
    }

    /// Services over one backend's stores (`StoreBackend`), as `visage serve` composes them.
    static func make(
        stores: TestDatabase.Stores, annotatedDirectory: URL? = nil, fetcher: ImageFetcher = fetcher,
        extraction: ExtractionSettings = ExtractionSettings(),
        concurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount, maxQueued: Int = 128,
        settling: SettlingPolicy = .off, reviewTrash: URL = temporaryDirectory().appendingPathComponent("trash"),
        taskModels: TaskModels? = nil
    ) throws -> ServerServices {
        let keys = KeyService(store: stores.keys)
        let recognition = try RecognitionService(
            analyzer: analyzer, store: try stores.faces(),
            configuration: RecognitionConfiguration(annotatedImagesDirectory: annotatedDirectory, settling: settling))
        let faceDatabase = FaceDatabaseService(analyzer: analyzer, collections: stores.collections)
        let references = ReferenceLibrary(
            store: stores.references, embeddingModel: analyzer.embeddingModelName, scale: ServerServices.toleranceScale(for: recognition))
        return ServerServices(
            recognition: recognition, faceDatabase: faceDatabase, references: references, routingStore: stores.routing,
            imageEmbeddings: stores.images, classifierStore: stores.classifiers,
            reviewTrash: ReviewTrash(folder: reviewTrash.path), runtime: runtime, fetcher: fetcher,
            access: AccessControl(keys: keys, sessions: SessionService(store: stores.keys, keys: keys), openWithoutKeys: true),
            extraction: extraction, concurrentJobs: concurrentJobs, maxQueued: maxQueued, metrics: metrics, taskModels: taskModels
        ).withJobQueue(stores.jobs)
    }

    /// A new empty directory under the system's temporary directory.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// JSON in and out of the test client.
enum HTTPJSON {
    static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    /// Sends a request and returns status and JSON body.
    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String,
        _ body: [String: Any]? = nil
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        try await client.execute(
            uri: uri, method: method, headers: [.contentType: "application/json"],
            body: body.map(Self.body)
        ) { response in
            (response.status, object(response))
        }
    }
}
