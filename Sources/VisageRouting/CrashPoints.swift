import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fault injection for the crash tests: `VISAGE_ROUTING_CRASH_AT=STEP:N` makes the process kill
/// itself with SIGKILL at STEP of its Nth move (1-based), exactly as a power cut or the OOM
/// killer would stop it there. Unset (always, outside tests), it does nothing. Steps are the
/// moments between the durable actions of `JournaledMover.place`.
enum CrashPoints {
    enum Step: String {
        /// The journal row is written; nothing on disk has changed.
        case planned
        /// Across file systems: the partial copy is complete and fsynced.
        case copied
        /// The destination name is linked; the file is at both names.
        case linked
        /// The source is gone; the journal row is not finished yet.
        case unlinked
    }

    private static let target: (step: Step, move: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["VISAGE_ROUTING_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let step = Step(rawValue: String(parts[0])), let move = Int(parts[1]), move > 0 else { return nil }
        return (step, move)
    }()

    private static let moves = Mutex(0)

    /// Counts a move starting (call once per move, at `planned`) and crashes if told to.
    static func reached(_ step: Step) {
        guard let target else { return }
        let move =
            step == .planned
            ? moves.withLock {
                $0 += 1; return $0
            } : moves.withLock { $0 }
        if step == target.step, move == target.move { kill(getpid(), SIGKILL) }
    }
}
