import CHNSW
import VisageCore

/// One hnswlib graph (inner-product space) through the CHNSW shim, freed with its owner. Not
/// thread-safe by itself: `HNSWVectorIndex` locks around it. Labels are the caller's ids.
final class HNSWGraph: @unchecked Sendable {
    // @unchecked: the handle is only used under the owning index's lock; concurrent `search`
    // calls (hnswlib allows them) and concurrent `add`s of distinct labels are the exceptions.
    private let handle: OpaquePointer
    let dimensions: Int

    init(dimensions: Int, capacity: Int, m: Int, efConstruction: Int, seed: UInt64) throws {
        self.dimensions = dimensions
        var error = [CChar](repeating: 0, count: 256)
        guard
            let handle = visage_hnsw_create(
                dimensions, max(1, capacity), m, efConstruction, seed, &error, error.count)
        else {
            throw VisageError(.internalError, "can't create an HNSW index: \(Self.message(error))")
        }
        self.handle = handle
    }

    /// Loads a graph `save(to:)` wrote, with room for at least `capacity` elements.
    init(loading path: String, dimensions: Int, capacity: Int) throws {
        self.dimensions = dimensions
        var error = [CChar](repeating: 0, count: 256)
        guard let handle = visage_hnsw_load(path, dimensions, capacity, &error, error.count) else {
            throw VisageError(.internalError, "can't load the HNSW index \(path): \(Self.message(error))")
        }
        self.handle = handle
    }

    deinit {
        visage_hnsw_free(handle)
    }

    /// Elements in the graph, tombstoned ones included.
    var elementCount: Int { visage_hnsw_element_count(handle) }
    var deletedCount: Int { visage_hnsw_deleted_count(handle) }
    var capacity: Int { visage_hnsw_capacity(handle) }

    func resize(to capacity: Int) throws {
        var error = [CChar](repeating: 0, count: 256)
        guard visage_hnsw_resize(handle, capacity, &error, error.count) == 0 else {
            throw VisageError(.internalError, "can't grow the HNSW index: \(Self.message(error))")
        }
    }

    /// Adds or replaces (and revives) the vector under `label`. Safe to call concurrently for
    /// distinct labels while the capacity suffices.
    func add(_ vector: UnsafePointer<Float>, label: Int64) throws {
        var error = [CChar](repeating: 0, count: 256)
        guard visage_hnsw_add(handle, vector, UInt64(bitPattern: label), &error, error.count) == 0 else {
            throw VisageError(.internalError, "can't add to the HNSW index: \(Self.message(error))")
        }
    }

    /// Tombstones `label`; false when it isn't stored or is already tombstoned.
    @discardableResult
    func markDeleted(_ label: Int64) -> Bool {
        visage_hnsw_mark_deleted(handle, UInt64(bitPattern: label)) == 0
    }

    /// Elements searches can return.
    var liveCount: Int { elementCount - deletedCount }

    /// Whether `label` has a node, live or tombstoned.
    func holds(_ label: Int64) -> Bool {
        visage_hnsw_state(handle, UInt64(bitPattern: label)) != -1
    }

    /// Whether `label` is stored and not tombstoned.
    func isLive(_ label: Int64) -> Bool {
        visage_hnsw_state(handle, UInt64(bitPattern: label)) == 1
    }

    /// The stored vector (live or tombstoned), valid until the next write.
    func vector(_ label: Int64) -> UnsafePointer<Float>? {
        visage_hnsw_vector(handle, UInt64(bitPattern: label))
    }

    func liveLabels() -> [Int64] {
        let capacity = elementCount
        guard capacity > 0 else { return [] }
        var labels = [UInt64](repeating: 0, count: capacity)
        let written = labels.withUnsafeMutableBufferPointer {
            visage_hnsw_live_labels(handle, $0.baseAddress!, capacity)
        }
        return labels.prefix(written).map { Int64(bitPattern: $0) }
    }

    /// The (up to) `k` nearest live labels, nearest first.
    func search(_ query: UnsafePointer<Float>, k: Int) -> [Int64] {
        guard k > 0 else { return [] }
        var labels = [UInt64](repeating: 0, count: k)
        var distances = [Float](repeating: 0, count: k)
        let found = labels.withUnsafeMutableBufferPointer { labelBuffer in
            distances.withUnsafeMutableBufferPointer { distanceBuffer in
                visage_hnsw_search(handle, query, k, labelBuffer.baseAddress!, distanceBuffer.baseAddress!)
            }
        }
        return labels.prefix(found).map { Int64(bitPattern: $0) }
    }

    func save(to path: String) throws {
        var error = [CChar](repeating: 0, count: 256)
        guard visage_hnsw_save(handle, path, &error, error.count) == 0 else {
            throw VisageError(.internalError, "can't save the HNSW index to \(path): \(Self.message(error))")
        }
    }

    private static func message(_ error: [CChar]) -> String {
        String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
