import Foundation
import VisageSearch

/// A `FaceStore` and the vector index of one embedding model's faces, kept in step under one
/// write lock.
///
/// Everything that reads the people to change them (placing a new face, naming, merging,
/// reclustering, and the features built on people: references, routing, tasks) goes through
/// `write(_:)`: one lock, one transaction, and the index changes only after the commit, so a
/// rolled-back transaction leaves both untouched and no reader of the index ever sees a face the
/// store does not hold. The store stays the only source of truth.
///
/// Two kinds of index:
/// - an embedded store (SQLite) gets an in-memory index, rebuilt from the store when the library
///   is opened unless the factory saved one for exactly the vectors the store holds now
///   (`VectorSourceVersion`), and changed by `write` after each commit;
/// - a store shared by several processes (PostgreSQL) searches its own committed rows
///   (`FaceStore.sharedVectorSearch`) and serialises every transaction across processes, so a
///   search inside `write` sees what every process committed before it, and nothing is kept here
///   that another process could make stale.
public final class FaceLibrary: Sendable {
    public let store: any FaceStore
    /// Only faces embedded by this model are indexed (and so compared and clustered).
    public let embeddingModel: String
    /// Searched inside `write` bodies (it holds the state before the transaction) and anywhere by
    /// readers; changed only by `write`.
    public let index: any VectorSearching
    /// The in-memory index `write` keeps in step; nil when the store searches its own rows.
    private let memoryIndex: (any VectorIndex)?
    private let indexFactory: any VectorIndexFactory
    private let writeLock = NSLock()

    /// The name the index is kept under by a factory that saves indexes.
    public var indexName: String { "faces-\(embeddingModel)" }

    /// Opens the library over `store` with the index of `embeddingModel`'s faces: the one the
    /// factory saved, if the store's vectors have not changed since, else built from the store
    /// (and then saved, when the factory keeps indexes). Throws `embedding_dimension_mismatch` if
    /// stored embeddings don't have `dimensions` floats.
    public init(
        store: any FaceStore, embeddingModel: String, dimensions: Int,
        indexFactory: any VectorIndexFactory = ExactVectorIndexFactory()
    ) throws {
        self.store = store
        self.embeddingModel = embeddingModel
        self.indexFactory = indexFactory
        if let shared = try store.sharedVectorSearch(embeddingModel: embeddingModel, dimensions: dimensions) {
            index = shared
            memoryIndex = nil
            return
        }
        let name = "faces-\(embeddingModel)"
        let built: any VectorIndex = try store.read { reader in
            let version = try reader.vectorSourceVersion(embeddingModel: embeddingModel)
            if let version, let saved = indexFactory.savedIndex(name: name, dimensions: dimensions, version: version) {
                return saved
            }
            let index = indexFactory.makeIndex(dimensions: dimensions, capacity: try reader.faceCount(embeddingModel: embeddingModel))
            try reader.forEachEmbedding(embeddingModel: embeddingModel) { id, embedding in
                try index.upsert(id: id, vector: embedding)
            }
            // Saved from the snapshot it was built from: a later start with no change in between
            // reads it back instead of building it again (a crash included).
            if let version { try? indexFactory.save(index, name: name, version: version) }
            return index
        }
        index = built
        memoryIndex = built
    }

    /// Saves the index through the factory (a no-op for factories that keep nothing), as holding
    /// the store's vectors now: called on shutdown, so the next start reads it back. Holds the
    /// write lock, so no change slips in between the version read and the save.
    public func saveIndex() throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard let memoryIndex, let version = try store.read({ try $0.vectorSourceVersion(embeddingModel: embeddingModel) })
        else { return }
        try indexFactory.save(memoryIndex, name: indexName, version: version)
    }

    /// Runs `body` holding the write lock, in one store transaction; the index changes `body`
    /// records are applied after the commit, in the order recorded.
    public func write<T>(_ body: (any FaceStoreTransaction, inout IndexChanges) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        var changes = IndexChanges()
        let result = try store.transaction { try body($0, &changes) }
        if let memoryIndex { try changes.apply(to: memoryIndex) }
        return result
    }

    /// Runs `body` holding the write lock, in one store transaction, for changes that don't touch
    /// the index (names, merges, splits, decisions).
    public func write<T>(_ body: (any FaceStoreTransaction) throws -> T) throws -> T {
        try write { transaction, _ in try body(transaction) }
    }

    /// Reads one consistent snapshot of the store, without the lock.
    public func read<T>(_ body: (any FaceStoreReading) throws -> T) throws -> T {
        try store.read(body)
    }
}

/// What a `FaceLibrary.write` body changed in the index, applied once the transaction commits.
public struct IndexChanges: Sendable {
    private enum Step: Sendable {
        case upsert(Int64, [Float])
        case remove(Int64)
    }

    private var steps: [Step] = []

    public var isEmpty: Bool { steps.isEmpty }

    public mutating func upsert(id: Int64, vector: [Float]) {
        steps.append(.upsert(id, vector))
    }

    public mutating func remove(id: Int64) {
        steps.append(.remove(id))
    }

    /// The index changes of a saved analysis: its dropped faces go, its faces are (re)inserted.
    public mutating func record(_ saved: SavedAnalysis) {
        for id in saved.removedFaceIDs { remove(id: id) }
        for face in saved.faces { upsert(id: face.id, vector: face.embedding) }
    }

    func apply(to index: any VectorIndex) throws {
        for step in steps {
            switch step {
            case .upsert(let id, let vector): try index.upsert(id: id, vector: vector)
            case .remove(let id): index.remove(id: id)
            }
        }
    }
}
