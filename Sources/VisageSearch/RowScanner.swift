import Dispatch

/// One exhaustive pass over the rows of an `ExactVectorIndex`, run while the caller holds the
/// index's read lock, which keeps the pointers valid and the rows unchanged for the whole pass.
struct RowScanner: @unchecked Sendable {
    // @unchecked: the pointers are only read, and only while the index's read lock is held.
    let query: UnsafePointer<Float>
    let rows: UnsafePointer<Float>
    let ids: UnsafePointer<Int64>
    let count: Int
    let stride: Int
    let excluding: Set<Int64>

    /// Below this many rows one thread scans everything; splitting costs more than it saves.
    static let parallelThreshold = 50_000
    /// Chunks are at least this long (2 MB of 512-d rows) so claiming one costs nothing by comparison.
    static let minimumRowsPerChunk = 4_096

    /// Up to `threads` workers each claim the next chunk until none is left, so a worker on a
    /// busy core simply scans fewer chunks. Each keeps its own heap; the heaps are merged at the end.
    func bestNeighbors(capacity: Int, floor: Float, threads: Int) -> [Neighbor] {
        guard count >= Self.parallelThreshold, threads > 1 else {
            var heap = TopKHeap(capacity: capacity, floor: floor, expectedCount: count)
            scan(0..<count, into: &heap)
            return heap.bestFirst()
        }
        let chunkCount = max(1, min(threads * 4, count / Self.minimumRowsPerChunk))
        let workers = min(threads, chunkCount)
        let shared = SharedScanState(chunkCount: chunkCount, workers: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var heap = TopKHeap(capacity: capacity, floor: floor, expectedCount: count / workers)
            while let chunk = shared.claimChunk() {
                scan((count * chunk / chunkCount)..<(count * (chunk + 1) / chunkCount), into: &heap)
            }
            shared.store(heap, worker: worker)
        }
        var merged = TopKHeap(capacity: capacity, floor: floor, expectedCount: count)
        for heap in shared.heaps() { merged.merge(heap) }
        return merged.bestFirst()
    }

    private func scan(_ slots: Range<Int>, into heap: inout TopKHeap) {
        for slot in slots {
            let similarity = DotProduct.compute(query, rows + slot * stride, length: stride)
            // The id is looked up (and the exclusion set consulted) only for the rare candidate
            // that would enter the heap.
            guard heap.mightAdmit(similarity) else { continue }
            let id = ids[slot]
            if excluding.isEmpty || !excluding.contains(id) {
                heap.insert(Neighbor(id: id, similarity: similarity))
            }
        }
    }
}

/// The next unclaimed chunk, and one result slot per worker. The lock is taken once per chunk
/// and once per worker, never per row.
private final class SharedScanState: @unchecked Sendable {
    // @unchecked: every property is only touched under `lock`.
    private let lock = ReadWriteLock()
    private let chunkCount: Int
    private var nextChunk = 0
    private var results: [TopKHeap?]

    init(chunkCount: Int, workers: Int) {
        self.chunkCount = chunkCount
        results = Array(repeating: nil, count: workers)
    }

    func claimChunk() -> Int? {
        lock.withWriteLock {
            guard nextChunk < chunkCount else { return nil }
            defer { nextChunk += 1 }
            return nextChunk
        }
    }

    func store(_ heap: TopKHeap, worker: Int) {
        lock.withWriteLock { results[worker] = heap }
    }

    func heaps() -> [TopKHeap] {
        lock.withReadLock { results.compactMap { $0 } }
    }
}
