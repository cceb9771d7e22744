import Foundation

/// Prints lines in input order although workers finish out of order.
final class OrderedPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int: String] = [:]
    private var next = 0

    func emit(index: Int, line: String) {
        lock.withLock {
            pending[index] = line
            while let ready = pending.removeValue(forKey: next) {
                FileHandle.standardOutput.write(Data((ready + "\n").utf8))
                next += 1
            }
        }
    }
}

/// Runs `body` for indices 0..<count on `workers` threads, each taking the next index when done,
/// so decoding of one image overlaps inference on another.
enum ParallelMap {
    static func run(count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let lock = NSLock()
        nonisolated(unsafe) var nextIndex = 0
        DispatchQueue.concurrentPerform(iterations: min(workers, max(count, 1))) { _ in
            while true {
                let index: Int = lock.withLock {
                    defer { nextIndex += 1 }
                    return nextIndex
                }
                guard index < count else { return }
                body(index)
            }
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
