import Foundation

/// A one-line progress bar with rate and ETA on stderr, drawn only when stderr is a terminal
/// so logs and pipes stay clean.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    /// What is counted, for the rate ("img/s").
    private let unit: String
    private let start = Date()
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = Date.distantPast

    init(total: Int, unit: String = "img", enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.unit = unit
        self.enabled = enabled && total > 0
    }

    func advance(by count: Int = 1) {
        lock.lock()
        defer { lock.unlock() }
        done = min(total, done + count)
        draw()
    }

    /// Moves the bar to `done` of the total (a job's progress read from the queue).
    func advance(to done: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard done != self.done else { return }
        self.done = min(max(0, done), total)
        draw()
    }

    /// Draws the bar at most every 0.1 s, and always at the end. Called under `lock`.
    private func draw() {
        guard enabled, done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r[%@] %d/%d  %.1f %@/s  ETA %@ ", bar, done, total, rate, unit, Self.clock(remaining))
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func clock(_ seconds: Double) -> String {
        // A rate of zero makes the ETA infinite (or NaN); Int(_:) would trap on it.
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return "--:--" }
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
