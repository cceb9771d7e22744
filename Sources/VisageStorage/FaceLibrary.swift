import Foundation
import VisageSearch

/// A `FaceStore` and the in-memory vector index of one embedding model's faces, kept in step
/// under one write lock.
///
/// Everything that reads the people to change them (placing a new face, naming, merging,
/// reclustering, and the features built on people: references, routing, tasks) goes through
/// `write(_:)`: one lock, one transaction, and the index changes only after the commit, so a
/// rolled-back transaction leaves both untouched and no reader of the index ever sees a face the
/// store does not hold. The store stays the only source of truth: the index is rebuilt from it
/// when the library is opened.
public final class FaceLibrary: Sendable {
    public let store: any FaceStore
    /// Only faces embedded by this model are indexed (and so compared and clustered).
    public let embeddingModel: String
    /// Searched inside `write` bodies (it holds the state before the transaction) and anywhere by
    /// readers; changed only by `write`.
    public let index: any VectorIndex
    private let writeLock = NSLock()

    /// Opens the library over `store`, building the index of `embeddingModel`'s faces from it.
    /// Throws `embedding_dimension_mismatch` if stored embeddings don't have `dimensions` floats.
    public init(
        store: any FaceStore, embeddingModel: String, dimensions: Int,
        indexFactory: any VectorIndexFactory = ExactVectorIndexFactory()
    ) throws {
        self.store = store
        self.embeddingModel = embeddingModel
        index = try store.read { reader in
            let index = indexFactory.makeIndex(dimensions: dimensions, capacity: try reader.faceCount(embeddingModel: embeddingModel))
            try reader.forEachEmbedding(embeddingModel: embeddingModel) { id, embedding in
                try index.upsert(id: id, vector: embedding)
            }
            return index
        }
    }

    /// Runs `body` holding the write lock, in one store transaction; the index changes `body`
    /// records are applied after the commit, in the order recorded.
    public func write<T>(_ body: (any FaceStoreTransaction, inout IndexChanges) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        var changes = IndexChanges()
        let result = try store.transaction { try body($0, &changes) }
        try changes.apply(to: index)
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
