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

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
