import Foundation
import VisageCore
import VisagePostgres
import VisageSQLite
import VisageSearch
import VisageStorage

/// Every store a command works on, all in one backend: the data directory's SQLite file, or the
/// PostgreSQL database `VISAGE_DATABASE_URL` names, which many `visage serve` processes may share.
/// Never half in each: that would split one library in two.
struct LibraryStores: Sendable {
    let faces: any FaceStore
    let collections: any FaceCollectionStore
    let keys: any KeyStore & SessionStore
    let images: any ImageEmbeddingStore
    let references: any ReferenceStore
    let routing: any RoutingStore
    let classifiers: any ClassifierStore
    let jobs: any JobStore
    /// Where the library is, for logs (a PostgreSQL URL without its password).
    let location: String
    /// Save the in-memory vector indexes (SQLite's face collections and image embeddings) at
    /// shutdown, so the next start reads them back; none on PostgreSQL, which keeps its own.
    let indexSavers: [@Sendable () throws -> Void]

    /// The stores in `url`'s database, migrated on connecting.
    static func postgres(_ url: PostgresURL) throws -> LibraryStores {
        let store = try PostgresStore(url: url)
        return LibraryStores(
            faces: PostgresFaceStore(store: store), collections: PostgresFaceCollections(store: store), keys: store,
            images: PostgresImageEmbeddings(store: store), references: store, routing: store, classifiers: store,
            jobs: PostgresJobStore(store: store), location: url.redacted, indexSavers: [])
    }

    /// The stores in one SQLite file, their in-memory indexes from `indexFactory`.
    static func sqlite(_ store: SQLiteFaceStore, location: String, indexFactory: any VectorIndexFactory) throws -> LibraryStores {
        let collections = try SQLiteFaceCollections(store: store, indexFactory: indexFactory)
        let images = try SQLiteImageEmbeddings(store: store, indexFactory: indexFactory)
        return LibraryStores(
            faces: store, collections: collections, keys: store, images: images, references: store, routing: store,
            classifiers: store, jobs: SQLiteJobStore(store: store), location: location,
            indexSavers: [{ try collections.saveIndexes() }, { try images.saveIndexes() }])
    }
}

/// What `PostgresStore` and `SQLiteFaceStore` both are: the stores kept on the database alone.
typealias RecordStores = KeyStore & SessionStore & ReferenceStore & RoutingStore & ClassifierStore

extension DataOptions {
    /// The library's stores: PostgreSQL's when `VISAGE_DATABASE_URL` names a database, else the
    /// data directory's SQLite file (created with the directory on first use).
    func openLibrary() throws -> LibraryStores {
        if let url = try Self.databaseURL() { return try .postgres(url) }
        return try .sqlite(try openStore(), location: resolvedDataDirectory.path, indexFactory: try vectorIndexFactory())
    }
}
