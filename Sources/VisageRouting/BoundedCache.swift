import Synchronization

/// A thread-safe cache of at most `capacity` entries that drops the least recently used one
/// when full. Each entry carries the `Version` it was computed for (a file's size and
/// modification time, ...): a lookup for another version is a miss, and the new value replaces
/// the old, so a path never holds two entries.
///
/// Eviction scans the entries (O(n)); with the few thousand entries it is sized for, that is
/// microseconds beside the analysis a miss costs.
final class BoundedCache<Key: Hashable & Sendable, Version: Equatable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var version: Version
        var value: Value
        var lastUsed: UInt64
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func value(_ key: Key, version: Version) -> Value? {
        state.withLock { state in
            guard var entry = state.entries[key], entry.version == version else { return nil }
            state.clock += 1
            entry.lastUsed = state.clock
            state.entries[key] = entry
            return entry.value
        }
    }

    func store(_ value: Value, _ key: Key, version: Version) {
        state.withLock { state in
            state.clock += 1
            if state.entries[key] == nil, state.entries.count >= capacity,
                let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
            {
                state.entries[oldest] = nil
            }
            state.entries[key] = Entry(version: version, value: value, lastUsed: state.clock)
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
