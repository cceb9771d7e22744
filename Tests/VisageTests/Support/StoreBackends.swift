import Foundation
import Testing
import VisageCore
import VisagePostgres
import VisageSQLite
import VisageStorage

/// A storage backend the store conformance suites run against. A new backend adds itself to
/// `all`, and every conformance test of the protocols it implements runs on it too.
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    /// A new, empty database of this backend.
    let makeDatabase: @Sendable () throws -> TestDatabase

    var testDescription: String { name }

    /// Every backend: the suites of the key, session, face-collection, image-embedding, reference,
    /// routing, classifier and job stores run on these.
    static let all: [StoreBackend] = [.sqlite, .postgres]
    /// The backends with a recognition `FaceStore`: all of them.
    static let withFaceStore: [StoreBackend] = [.sqlite, .postgres]

    /// A SQLite file in a fresh temporary folder.
    static let sqlite = StoreBackend(name: "sqlite") {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("visage.sqlite").path
        return TestDatabase(
            open: {
                let store = try SQLiteFaceStore(path: path)
                return TestDatabase.Stores(
                    faces: { store }, collections: try SQLiteFaceCollections(store: store), keys: store,
                    images: try SQLiteImageEmbeddings(store: store), references: store, routing: store, classifiers: store,
                    jobs: SQLiteJobStore(store: store))
            },
            remove: { try? FileManager.default.removeItem(at: folder) })
    }

    /// A new database on the tests' PostgreSQL server (`TestPostgres`), migrated on each open.
    static let postgres = StoreBackend(name: "postgres") {
        let (url, drop) = try TestPostgres.makeDatabase()
        return TestDatabase(
            open: {
                let store = try PostgresStore(url: url)
                return TestDatabase.Stores(
                    faces: { PostgresFaceStore(store: store) },
                    collections: PostgresFaceCollections(store: store), keys: store, images: PostgresImageEmbeddings(store: store),
                    references: store, routing: store, classifiers: store, jobs: PostgresJobStore(store: store))
            },
            remove: drop)
    }
}

/// One database of a backend. Each `open` connects anew, as a restarted process would.
struct TestDatabase {
    struct Stores {
        let faces: () throws -> any FaceStore
        let collections: any FaceCollectionStore
        let keys: any KeyStore & SessionStore
        let images: any ImageEmbeddingStore
        let references: any ReferenceStore
        let routing: any RoutingStore
        let classifiers: any ClassifierStore
        let jobs: any JobStore
    }

    let open: () throws -> Stores
    let remove: () -> Void

    func faces() throws -> any FaceStore { try open().faces() }
    func collections() throws -> any FaceCollectionStore { try open().collections }
    func keys() throws -> any KeyStore & SessionStore { try open().keys }
    func images() throws -> any ImageEmbeddingStore { try open().images }
    func references() throws -> any ReferenceStore { try open().references }
    func routing() throws -> any RoutingStore { try open().routing }
    func classifiers() throws -> any ClassifierStore { try open().classifiers }
    func jobs() throws -> any JobStore { try open().jobs }
}
