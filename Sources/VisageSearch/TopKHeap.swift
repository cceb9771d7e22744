/// Keeps the best `capacity` neighbours seen so far, at or above `floor`, in a min-heap whose root
/// is the worst one kept, so most candidates are rejected by one comparison.
///
/// "Better" means a higher similarity, then a lower id, which makes results independent of the
/// order in which the rows were scanned.
struct TopKHeap {
    let capacity: Int
    let floor: Float
    private var elements: [Neighbor] = []

    init(capacity: Int, floor: Float = -.infinity, expectedCount: Int) {
        self.capacity = max(0, capacity)
        self.floor = floor
        // A threshold search may allow any number of results; grow past this only when it finds them.
        elements.reserveCapacity(min(self.capacity, max(0, expectedCount), 4_096))
    }

    /// Whether a candidate with this similarity could enter, judged before its id is looked up.
    /// NaN never enters.
    @inline(__always)
    func mightAdmit(_ similarity: Float) -> Bool {
        guard similarity >= floor, capacity > 0 else { return false }
        return elements.count < capacity || similarity >= elements[0].similarity
    }

    mutating func insert(_ candidate: Neighbor) {
        guard mightAdmit(candidate.similarity) else { return }
        if elements.count < capacity {
            elements.append(candidate)
            siftUp(from: elements.count - 1)
        } else if Self.isWorse(elements[0], than: candidate) {
            elements[0] = candidate
            siftDown(from: 0)
        }
    }

    mutating func merge(_ other: TopKHeap) {
        for candidate in other.elements { insert(candidate) }
    }

    func bestFirst() -> [Neighbor] {
        elements.sorted { Self.isWorse($1, than: $0) }
    }

    @inline(__always)
    static func isWorse(_ a: Neighbor, than b: Neighbor) -> Bool {
        a.similarity < b.similarity || (a.similarity == b.similarity && a.id > b.id)
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isWorse(elements[child], than: elements[parent]) else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < elements.count, Self.isWorse(elements[left], than: elements[worst]) { worst = left }
            if right < elements.count, Self.isWorse(elements[right], than: elements[worst]) { worst = right }
            guard worst != parent else { return }
            elements.swapAt(parent, worst)
            parent = worst
        }
    }
}
