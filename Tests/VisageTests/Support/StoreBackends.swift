import Foundation
import Testing
import VisageSQLite
import VisageStorage

/// A storage backend the store conformance suites run against. A new backend (PostgreSQL, say)
/// adds itself to `all`, and every conformance test runs on it too.
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    /// A new, empty database of this backend.
    let makeDatabase: @Sendable () throws -> TestDatabase

    var testDescription: String { name }

    static let all: [StoreBackend] = [.sqlite]

    /// A SQLite file in a fresh temporary folder.
    static let sqlite = StoreBackend(name: "sqlite") {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("visage.sqlite").path
        return TestDatabase(
            open: {
                let store = try SQLiteFaceStore(path: path)
                return (store, try SQLiteFaceCollections(store: store), store)
            },
            remove: { try? FileManager.default.removeItem(at: folder) })
    }
}

/// One database of a backend. Each `open` connects anew, as a restarted process would.
struct TestDatabase {
    let open: () throws -> (faces: any FaceStore, collections: any FaceCollectionStore, keys: any KeyStore)
    let remove: () -> Void

    func faces() throws -> any FaceStore { try open().faces }
    func collections() throws -> any FaceCollectionStore { try open().collections }
    func keys() throws -> any KeyStore { try open().keys }
}
