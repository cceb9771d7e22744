import Dispatch
import Foundation
import VisageCore
import VisageSearch

/// Approximate cosine search: an HNSW graph (hnswlib, through CHNSW) for the bulk of the
/// vectors, an exact scan for the rest.
///
/// - **Small indexes are exact.** Until `parameters.exactBelow` vectors there is no graph: every
///   vector is in an `ExactVectorIndex`. The graph is built, in parallel, when that size is reached.
/// - **New vectors join in batches.** Upserts go to that exact buffer first and are searched there
///   by scan; every `parameters.batchSize` of them are inserted into the graph at once, on
///   `parameters.threads` threads. So a bulk load (an index filled from the database) builds in
///   parallel without the caller doing anything, and a search always sees every upsert.
/// - **Replacing and removing** tombstone the graph's node (hnswlib cannot delete): a replaced
///   vector goes to the buffer and revives its node when its batch joins; a removed one stays
///   tombstoned. Once tombstones are `parameters.maxDeletedShare` of the graph, it is rebuilt
///   from its live vectors (or turned back into an exact scan if few are left).
/// - **Searches re-rank exactly.** The graph is asked for `max(efSearch, k + excluded)`
///   candidates; their similarities are computed from the stored float vectors, merged with the
///   buffer's exact results, and sorted best first, ties by ascending id. A threshold search asks
///   for more candidates, doubling, while the farthest one it got still passes the threshold.
///
/// Thread-safe: searches share a read lock (hnswlib allows concurrent searches); writes take the
/// write lock, so a batch insert or a rebuild holds searches back while it runs.
public final class HNSWVectorIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: `pending`, `graph` and `reserved` are only touched under `lock`.
    public let dimensions: Int
    public let parameters: HNSWParameters
    private let lock = ReadWriteLock()
    /// Vectors not (yet) in the graph, searched exactly: all of them while the index is small.
    private var pending: ExactVectorIndex
    /// An id is live (not tombstoned) in `pending` or in the graph, never in both; hnswlib's own
    /// label table says which ids the graph holds, so no copy of them is kept here.
    private var graph: HNSWGraph?
    /// Room the first graph is made with.
    private var reserved: Int

    public init(dimensions: Int, capacity: Int = 0, parameters: HNSWParameters = HNSWParameters()) {
        precondition(dimensions > 0, "an index needs at least one dimension")
        self.dimensions = dimensions
        self.parameters = parameters
        reserved = capacity
        pending = ExactVectorIndex(dimensions: dimensions, threads: parameters.threads)
    }

    /// An index over a graph `save(to:)` wrote.
    public convenience init(
        loading path: String, dimensions: Int, capacity: Int = 0, parameters: HNSWParameters = HNSWParameters()
    )
        throws
    {
        let graph = try HNSWGraph(loading: path, dimensions: dimensions, capacity: capacity)
        self.init(dimensions: dimensions, capacity: capacity, parameters: parameters)
        self.graph = graph
    }

    public var count: Int {
        lock.withReadLock { pending.count + (graph?.liveCount ?? 0) }
    }

    /// Whether the graph has been built (false while the index is an exact scan).
    public var hasGraph: Bool {
        lock.withReadLock { graph != nil }
    }

    /// Tombstoned nodes the graph still holds.
    public var tombstoneCount: Int {
        lock.withReadLock { graph?.deletedCount ?? 0 }
    }

    public func contains(id: Int64) -> Bool {
        lock.withReadLock { graph?.isLive(id) == true || pending.contains(id: id) }
    }

    public func upsert(id: Int64, vector: [Float]) throws {
        guard vector.count == dimensions else {
            throw VisageError(
                .embeddingDimensionMismatch,
                "a \(vector.count)-dimensional vector can't be added to an index of \(dimensions)-dimensional vectors")
        }
        try lock.withWriteLock {
            graph?.markDeleted(id)
            try pending.upsert(id: id, vector: vector)
            let due = graph == nil ? pending.count >= max(1, parameters.exactBelow) : pending.count >= parameters.batchSize
            if due { try flush() }
        }
    }

    public func remove(id: Int64) {
        lock.withWriteLock {
            if pending.contains(id: id) {
                pending.remove(id: id)
            } else if let graph, graph.markDeleted(id) {
                if Double(graph.deletedCount) > parameters.maxDeletedShare * Double(graph.elementCount) {
                    // On failure (memory) the tombstones stay; the next removal tries again.
                    try? compact(graph)
                }
            }
        }
    }

    public func search(_ query: [Float], k: Int, excluding: Set<Int64>) -> [Neighbor] {
        guard query.count == dimensions, k > 0 else { return [] }
        return lock.withReadLock {
            var found = pending.search(query, k: k, excluding: excluding)
            if let graph, graph.liveCount > 0 {
                let ask = min(graph.elementCount, max(parameters.efSearch, k + excluding.count))
                found += candidates(query, graph: graph, ask: ask, excluding: excluding, floor: -.infinity).neighbors
            }
            return Self.best(found, limit: k)
        }
    }

    public func search(_ query: [Float], minSimilarity: Float, limit: Int, excluding: Set<Int64>) -> [Neighbor] {
        guard query.count == dimensions, limit > 0 else { return [] }
        return lock.withReadLock {
            var found = pending.search(query, minSimilarity: minSimilarity, limit: limit, excluding: excluding)
            if let graph, graph.liveCount > 0 {
                var ask = min(graph.elementCount, max(parameters.efSearch, min(limit, 64) + excluding.count))
                while true {
                    let round = candidates(query, graph: graph, ask: ask, excluding: excluding, floor: minSimilarity)
                    // More may pass only if even the farthest candidate passed and the graph has more.
                    if round.neighbors.count >= limit || !round.farthestPassed || ask >= graph.elementCount {
                        found += round.neighbors
                        break
                    }
                    ask = min(graph.elementCount, ask * 2)
                }
            }
            return Self.best(found, limit: limit)
        }
    }

    /// Saves the graph to `path` (the buffer joins it first). Returns false, writing nothing, while
    /// the index is an exact scan: rebuilding a small index is quicker than reading it back.
    @discardableResult
    public func save(to path: String) throws -> Bool {
        try lock.withWriteLock {
            guard graph != nil else { return false }
            try flush()
            try graph!.save(to: path)
            return true
        }
    }

    // MARK: Graph upkeep (under the write lock)

    /// Moves the buffered vectors into the graph, building the graph if there is none.
    private func flush() throws {
        guard pending.count > 0 else { return }
        var ids: [Int64] = []
        var vectors: [Float] = []
        ids.reserveCapacity(pending.count)
        vectors.reserveCapacity(pending.count * dimensions)
        pending.forEachVector { id, vector in
            ids.append(id)
            vectors.append(contentsOf: vector)
        }
        let target = try graph ?? makeGraph(capacity: max(reserved, ids.count))
        let needed = target.elementCount + ids.count
        if needed > target.capacity { try target.resize(to: max(needed, target.capacity + target.capacity / 2)) }
        try vectors.withUnsafeBufferPointer { buffer in
            let pointers = ids.indices.map { buffer.baseAddress! + $0 * dimensions }
            do {
                try insert(ids, pointers, into: target)
            } catch {
                // Leave nothing half-added: the buffer still holds every one of these vectors.
                for id in ids { target.markDeleted(id) }
                throw error
            }
        }
        graph = target
        pending = ExactVectorIndex(dimensions: dimensions, threads: parameters.threads)
    }

    /// Rebuilds the graph from its live vectors, leaving the tombstones behind; below
    /// `exactBelow` vectors the index goes back to an exact scan.
    private func compact(_ old: HNSWGraph) throws {
        let ids = old.liveLabels().sorted()
        let pointers = ids.map { old.vector($0)! }
        if ids.count + pending.count < parameters.exactBelow {
            for (id, pointer) in zip(ids, pointers) {
                try pending.upsert(id: id, vector: Array(UnsafeBufferPointer(start: pointer, count: dimensions)))
            }
            graph = nil
            return
        }
        let rebuilt = try makeGraph(capacity: ids.count + parameters.batchSize)
        try insert(ids, pointers, into: rebuilt)
        graph = rebuilt
    }

    private func makeGraph(capacity: Int) throws -> HNSWGraph {
        try HNSWGraph(
            dimensions: dimensions, capacity: max(capacity, 1), m: parameters.m,
            efConstruction: parameters.efConstruction, seed: parameters.seed)
    }

    /// Adds the vectors on `parameters.threads` threads (hnswlib allows concurrent inserts of
    /// distinct new labels); the first goes alone when the graph is empty, as hnswlib's own
    /// bindings do, and so do revived labels (hnswlib's tombstone counter is not atomic).
    private func insert(_ allIDs: [Int64], _ allVectors: [UnsafePointer<Float>], into graph: HNSWGraph) throws {
        var ids: [Int64] = [], vectors: [UnsafePointer<Float>] = []
        ids.reserveCapacity(allIDs.count)
        vectors.reserveCapacity(allIDs.count)
        for (id, vector) in zip(allIDs, allVectors) {
            if graph.holds(id) {
                try graph.add(vector, label: id)
            } else {
                ids.append(id)
                vectors.append(vector)
            }
        }
        guard !ids.isEmpty else { return }
        let start = graph.elementCount == 0 ? 1 : 0
        if start == 1 { try graph.add(vectors[0], label: ids[0]) }
        let remaining = ids.count - start
        let workers = min(parameters.threads, max(1, remaining / 256))
        let batch = InsertBatch(ids: ids, vectors: vectors, graph: graph)
        if workers <= 1 {
            for slot in start..<ids.count { try graph.add(vectors[slot], label: ids[slot]) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var slot = start + worker
            while slot < batch.ids.count, !batch.failed {
                do {
                    try batch.graph.add(batch.vectors[slot], label: batch.ids[slot])
                } catch {
                    batch.fail(error)
                }
                slot += workers
            }
        }
        if let error = batch.error { throw error }
    }

    // MARK: Search helpers (under the read lock)

    /// The graph's `ask` nearest live vectors, re-ranked exactly, without `excluding` and those
    /// below `floor`; `farthestPassed` says whether the farthest one returned reached `floor`.
    private func candidates(
        _ query: [Float], graph: HNSWGraph, ask: Int, excluding: Set<Int64>, floor: Float
    ) -> (
        neighbors: [Neighbor], farthestPassed: Bool
    ) {
        query.withUnsafeBufferPointer { queryBuffer in
            let labels = graph.search(queryBuffer.baseAddress!, k: ask)
            var neighbors: [Neighbor] = []
            neighbors.reserveCapacity(labels.count)
            var farthestPassed = labels.count == ask
            for (rank, label) in labels.enumerated() {
                guard let stored = graph.vector(label) else { continue }
                let similarity = VectorMath.dot(queryBuffer.baseAddress!, stored, count: dimensions)
                if rank == labels.count - 1 { farthestPassed = farthestPassed && similarity >= floor }
                guard similarity >= floor, !excluding.contains(label) else { continue }
                neighbors.append(Neighbor(id: label, similarity: similarity))
            }
            return (neighbors, farthestPassed)
        }
    }

    /// Best first, ties by ascending id, at most `limit`.
    private static func best(_ neighbors: [Neighbor], limit: Int) -> [Neighbor] {
        let sorted = neighbors.sorted { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.id < $1.id) }
        return Array(sorted.prefix(limit))
    }
}

/// What the insert threads share: the inputs, read only, and the first error.
private final class InsertBatch: @unchecked Sendable {
    // @unchecked: `ids`, `vectors` and `graph` are only read; `firstError` only under `lock`.
    let ids: [Int64]
    let vectors: [UnsafePointer<Float>]
    let graph: HNSWGraph
    private let lock = NSLock()
    private var firstError: (any Error)?

    init(ids: [Int64], vectors: [UnsafePointer<Float>], graph: HNSWGraph) {
        self.ids = ids
        self.vectors = vectors
        self.graph = graph
    }

    var failed: Bool { lock.withLock { firstError != nil } }
    var error: (any Error)? { lock.withLock { firstError } }

    func fail(_ error: any Error) {
        lock.withLock { if firstError == nil { firstError = error } }
    }
}
