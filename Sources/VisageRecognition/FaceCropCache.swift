import Foundation
import Synchronization

/// Encoded face crops by key, bounded by count and bytes: a UI showing a page of people asks for
/// the same thumbnails again and again, and each miss decodes a whole photo.
///
/// The key names everything the crop depends on (face, box, size, image row, path, the file's
/// size and modification time), so a changed face or file is a new key: nothing is ever
/// invalidated, old entries just age out, least recently used first.
public final class FaceCropCache: Sendable {
    /// What the cache holds and how it has done, for tests and status pages.
    public struct Statistics: Sendable, Hashable {
        public var entries: Int
        public var bytes: Int
        public var hits: Int
        /// Look-ups that found nothing: each one decoded a photo.
        public var misses: Int
    }

    public let maxEntries: Int
    public let maxBytes: Int

    private struct Entry {
        var data: Data
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())

    /// Defaults: 4096 crops or 64 MiB, whichever comes first (a 160-pixel crop is about 6 KB).
    public init(maxEntries: Int = 4096, maxBytes: Int = 64 << 20) {
        self.maxEntries = max(1, maxEntries)
        self.maxBytes = max(1, maxBytes)
    }

    /// The crop stored under `key`, counted as a hit or a miss.
    public func value(for key: String) -> Data? {
        state.withLock { state in
            guard var entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            state.hits += 1
            return entry.data
        }
    }

    /// Stores `data` under `key`, dropping the least recently used crops while over a bound. A
    /// crop larger than `maxBytes` is not kept.
    public func insert(_ data: Data, for key: String) {
        guard data.count <= maxBytes else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries.updateValue(Entry(data: data, lastUse: state.clock), forKey: key) {
                state.bytes -= old.data.count
            }
            state.bytes += data.count
            guard state.entries.count > maxEntries || state.bytes > maxBytes else { return }
            // Evict in batches (an eighth at a time) so a full cache doesn't sort on every insert.
            let targetCount = maxEntries - maxEntries / 8, targetBytes = maxBytes - maxBytes / 8
            for (oldKey, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard state.entries.count > targetCount || state.bytes > targetBytes else { break }
                guard oldKey != key else { continue }
                state.entries[oldKey] = nil
                state.bytes -= entry.data.count
            }
        }
    }

    public var statistics: Statistics {
        state.withLock { Statistics(entries: $0.entries.count, bytes: $0.bytes, hits: $0.hits, misses: $0.misses) }
    }
}

/// A face crop, or only its entity tag when the client already has it.
public struct FaceCrop: Sendable, Hashable {
    /// A strong entity tag, quoted (`"12-160-…"`): equal for equal crops, even across restarts.
    public var etag: String
    /// The JPEG; nil when the caller's `notModified` said it has this version.
    public var jpeg: Data?
}

/// FNV-1a, 64 bits: a hash that is the same in every process (Swift's `Hasher` is seeded per
/// process), for entity tags.
enum StableHash {
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
