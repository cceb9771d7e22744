import Dispatch
import Foundation

/// Runs `body` for indices 0..<count on `workers` threads, each taking the next index when done,
/// so decoding of one image overlaps inference on another. Used by the CLI's worker pool and by
/// batch extraction.
public enum ParallelMap {
    public static func run(count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let lock = NSLock()
        nonisolated(unsafe) var nextIndex = 0
        DispatchQueue.concurrentPerform(iterations: min(max(workers, 1), max(count, 1))) { _ in
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

public extension Duration {
    /// The duration in seconds, as a Double (for reports and JSON).
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
