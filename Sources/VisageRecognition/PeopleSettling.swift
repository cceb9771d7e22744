import Dispatch
import Foundation
import Synchronization
import VisageCore

/// When the background pass re-examines people after new faces (`VISAGE_PEOPLE_SETTLE_SECONDS`).
///
/// Faces are placed one at a time as they arrive, each decided on what is stored so far; a
/// recluster, which sees every face at once, does better on degraded photos
/// (docs/CLUSTERING.md). The pass runs that recluster once a burst of new faces has gone quiet,
/// so that what a photo manager reads later is as good as a recluster without anyone asking for
/// one.
public struct SettlingPolicy: Sendable, Equatable {
    /// Seconds without a new face before the pass runs; nil turns the pass off.
    public var quietSeconds: Double?
    /// The largest share of the time the pass may take: after a pass of `t` seconds, the next
    /// waits at least `t * (1 / share - 1)`, so a large library is not reclustered back to back.
    public var maxBusyShare: Double
    /// How often the quiet period is checked.
    public var checkInterval: Duration

    public init(quietSeconds: Double?, maxBusyShare: Double = 0.1, checkInterval: Duration = .milliseconds(250)) {
        self.quietSeconds = quietSeconds
        self.maxBusyShare = maxBusyShare
        self.checkInterval = checkInterval
    }

    public static let off = SettlingPolicy(quietSeconds: nil)
    /// `visage serve`'s default: 30 seconds after the last new face.
    public static let serverDefault = SettlingPolicy(quietSeconds: 30)

    /// `VISAGE_PEOPLE_SETTLE_SECONDS`: how long new faces must be quiet before the pass runs
    /// (default 30; 0 turns it off; at most a day).
    public static func fromEnvironment(_ settings: EnvironmentSettings) throws -> SettlingPolicy {
        guard let seconds = try settings.number("VISAGE_PEOPLE_SETTLE_SECONDS", in: 0...86_400) else { return .serverDefault }
        return seconds == 0 ? .off : SettlingPolicy(quietSeconds: seconds)
    }
}

/// What the background pass has done, for `GET /health`.
public struct SettlingStatus: Sendable, Equatable {
    public var quietSeconds: Double?
    /// Faces recognised since the last pass began.
    public var pendingFaces: Int
    public var running: Bool
    public var passes: Int
    public var lastPass: ReclusterSummary?
    public var lastPassFinishedAt: Date?
    /// Why the last pass failed (it is retried after the next new face).
    public var lastError: String?
}

/// The faces recognised since people were last settled, and the passes so far. Recognition
/// reports new faces here; `RecognitionService.settlePeople()` reads it.
public final class PeopleActivity: Sendable {
    private struct State {
        var pending = 0
        var lastFaceAt: ContinuousClock.Instant?
        var running = false
        var passes = 0
        var lastPass: ReclusterSummary?
        var lastPassFinishedAt: Date?
        var nextAllowed: ContinuousClock.Instant?
        var lastError: String?
    }

    private let state = Mutex(State())

    public init() {}

    func facesAdded(_ count: Int, at now: ContinuousClock.Instant = .now) {
        guard count > 0 else { return }
        state.withLock {
            $0.pending += count
            $0.lastFaceAt = now
        }
    }

    /// The pending faces a pass due now takes on (marking it running), or nil when none is due.
    func beginPassIfDue(_ policy: SettlingPolicy, now: ContinuousClock.Instant = .now) -> Int? {
        guard let quiet = policy.quietSeconds else { return nil }
        return state.withLock { state -> Int? in
            guard !state.running, state.pending > 0, let last = state.lastFaceAt,
                now - last >= .seconds(quiet), state.nextAllowed.map({ now >= $0 }) ?? true
            else { return nil }
            state.running = true
            let taken = state.pending
            state.pending = 0
            return taken
        }
    }

    /// Records a pass that took on `taken` faces. A failed pass gives them back, to be retried
    /// after the next quiet period.
    func finishPass(taken: Int, _ outcome: Result<ReclusterSummary, any Error>, policy: SettlingPolicy) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.running = false
            switch outcome {
            case .success(let summary):
                state.passes += 1
                state.lastPass = summary
                state.lastPassFinishedAt = Date()
                state.lastError = nil
                let share = max(0.01, min(1, policy.maxBusyShare))
                state.nextAllowed = now + .seconds(summary.seconds * (1 / share - 1))
            case .failure(let error):
                state.pending += taken
                state.lastError = String(describing: error)
            }
        }
    }

    /// Gives back the faces of a pass another process was already running: this process tries
    /// again once that pass has had time to finish (it may not have seen these faces).
    func deferPass(taken: Int, policy: SettlingPolicy) {
        state.withLock { state in
            state.running = false
            state.pending += taken
            state.nextAllowed = ContinuousClock.now + policy.checkInterval * 4
        }
    }

    func status(_ policy: SettlingPolicy) -> SettlingStatus {
        state.withLock {
            SettlingStatus(
                quietSeconds: policy.quietSeconds, pendingFaces: $0.pending, running: $0.running, passes: $0.passes,
                lastPass: $0.lastPass, lastPassFinishedAt: $0.lastPassFinishedAt, lastError: $0.lastError)
        }
    }
}

extension RecognitionService {
    /// The background pass: until the task is cancelled, reclusters once new faces have been
    /// quiet for `configuration.settling.quietSeconds` (never, when that is nil). The recluster
    /// clusters a snapshot without the write lock, so requests go on while it runs; it runs on a
    /// thread of its own, off the cooperative pool.
    public func settlePeople() async {
        let policy = configuration.settling
        guard policy.quietSeconds != nil else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: policy.checkInterval)
            guard let taken = activity.beginPassIfDue(policy) else { continue }
            // One process at a time settles a library that several share: two passes at once
            // would only redo each other's work (and retry on each other's commits).
            let outcome = await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .utility).async {
                    continuation.resume(
                        returning: Result {
                            try self.store.unlessRunningElsewhere("people-settling") { try self.recluster(trigger: .settling) }
                        })
                }
            }
            switch outcome {
            case .success(.some(let summary)): activity.finishPass(taken: taken, .success(summary), policy: policy)
            case .success(.none): activity.deferPass(taken: taken, policy: policy)
            case .failure(let error): activity.finishPass(taken: taken, .failure(error), policy: policy)
            }
        }
    }

    /// What the background pass has done so far.
    public var settlingStatus: SettlingStatus { activity.status(configuration.settling) }
}
