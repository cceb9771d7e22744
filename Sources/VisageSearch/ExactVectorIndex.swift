import Foundation
import VisageCore

/// Exact (exhaustive) cosine search: every query is compared with every stored vector.
///
/// Vectors live in one contiguous array, one row per vector, each row padded with zeros to a
/// multiple of 16 floats so the dot product runs in whole SIMD steps. Removal moves the last row
/// into the hole, so the array never has gaps. Large indexes (`RowScanner.parallelThreshold`
/// rows and up) are scanned in chunks on all cores.
///
/// Thread-safe: searches share a read lock and run concurrently; upserts and removals take the
/// write lock.
public final class ExactVectorIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: `rows`, `ids` and `slotByID` are only touched under `lock`.
    public let dimensions: Int
    /// Floats per row: `dimensions` rounded up to a multiple of 16, the padding kept at zero.
    private let stride: Int
    private let threads: Int
    private let lock = ReadWriteLock()
    private var rows: [Float] = []
    private var ids: [Int64] = []
    private var slotByID: [Int64: Int] = [:]

    /// - Parameters:
    ///   - capacity: vectors to reserve room for, which avoids copying the rows as they grow.
    ///   - threads: threads a large scan is split across (default: one per core).
    public init(dimensions: Int, capacity: Int = 0, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(dimensions > 0, "an index needs at least one dimension")
        self.dimensions = dimensions
        self.stride = DotProduct.paddedLength(dimensions)
        self.threads = max(1, threads)
        reserveCapacity(capacity)
    }

    public var count: Int {
        lock.withReadLock { ids.count }
    }

    public func reserveCapacity(_ vectors: Int) {
        guard vectors > 0 else { return }
        lock.withWriteLock {
            rows.reserveCapacity(vectors * stride)
            ids.reserveCapacity(vectors)
            slotByID.reserveCapacity(vectors)
        }
    }

    public func contains(id: Int64) -> Bool {
        lock.withReadLock { slotByID[id] != nil }
    }

    /// The stored vector, without padding.
    public func vector(id: Int64) -> [Float]? {
        lock.withReadLock {
            guard let slot = slotByID[id] else { return nil }
            return Array(rows[slot * stride..<slot * stride + dimensions])
        }
    }

    /// Calls `body` with each stored id and its vector (without padding), in storage order, under
    /// the read lock: how another index takes over this one's vectors.
    public func forEachVector(_ body: (Int64, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        try lock.withReadLock {
            try rows.withUnsafeBufferPointer { buffer in
                for (slot, id) in ids.enumerated() {
                    try body(id, UnsafeBufferPointer(rebasing: buffer[slot * stride..<slot * stride + dimensions]))
                }
            }
        }
    }

    public func upsert(id: Int64, vector: [Float]) throws {
        guard vector.count == dimensions else {
            throw VisageError(
                .embeddingDimensionMismatch,
                "a \(vector.count)-dimensional vector can't be added to an index of \(dimensions)-dimensional vectors")
        }
        lock.withWriteLock {
            if let slot = slotByID[id] {
                rows.replaceSubrange(slot * stride..<slot * stride + dimensions, with: vector)
            } else {
                slotByID[id] = ids.count
                ids.append(id)
                rows.append(contentsOf: vector)
                rows.append(contentsOf: repeatElement(0, count: stride - dimensions))
            }
        }
    }

    public func remove(id: Int64) {
        lock.withWriteLock {
            guard let slot = slotByID.removeValue(forKey: id) else { return }
            let last = ids.count - 1
            if slot != last {
                let movedID = ids[last]
                ids[slot] = movedID
                slotByID[movedID] = slot
                rows.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress!
                    (base + slot * stride).update(from: base + last * stride, count: stride)
                }
            }
            ids.removeLast()
            rows.removeLast(stride)
        }
    }

    public func search(_ query: [Float], k: Int, excluding: Set<Int64>) -> [Neighbor] {
        scan(query, capacity: k, floor: -.infinity, excluding: excluding)
    }

    public func search(_ query: [Float], minSimilarity: Float, limit: Int, excluding: Set<Int64>) -> [Neighbor] {
        scan(query, capacity: limit, floor: minSimilarity, excluding: excluding)
    }

    private func scan(_ query: [Float], capacity: Int, floor: Float, excluding: Set<Int64>) -> [Neighbor] {
        guard query.count == dimensions, capacity > 0 else { return [] }
        let padded = query + repeatElement(0, count: stride - dimensions)
        return lock.withReadLock {
            guard !ids.isEmpty else { return [] }
            return padded.withUnsafeBufferPointer { queryBuffer in
                rows.withUnsafeBufferPointer { rowBuffer in
                    ids.withUnsafeBufferPointer { idBuffer in
                        RowScanner(
                            query: queryBuffer.baseAddress!, rows: rowBuffer.baseAddress!,
                            ids: idBuffer.baseAddress!, count: idBuffer.count, stride: stride,
                            excluding: excluding
                        )
                        .bestNeighbors(capacity: capacity, floor: floor, threads: threads)
                    }
                }
            }
        }
    }
}
