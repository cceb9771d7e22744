import Foundation
import Synchronization
import VisageCore
import VisageStorage

/// How often a routing process renews its lease, and how long each renewal lasts: a process
/// that stops renewing (it died, or lost the database) is taken for gone `lease` seconds after
/// its last renewal, and its unfinished moves are recovered by another.
public struct RoutingLeaseSettings: Sendable, Equatable {
    public var heartbeat: TimeInterval
    public var lease: TimeInterval

    public init(heartbeat: TimeInterval = 10, lease: TimeInterval = 60) {
        self.heartbeat = heartbeat
        self.lease = lease
    }

    /// `VISAGE_ROUTING_HEARTBEAT` and `VISAGE_ROUTING_LEASE` (seconds); the lease must outlast
    /// at least two heartbeats, so one slow renewal doesn't let it lapse.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        let settings = EnvironmentSettings(environment)
        let defaults = Self()
        let heartbeat = try settings.number("VISAGE_ROUTING_HEARTBEAT", in: 0.05...3600) ?? defaults.heartbeat
        let lease = try settings.number("VISAGE_ROUTING_LEASE", in: 0.1...86400) ?? max(defaults.lease, heartbeat * 6)
        guard lease >= heartbeat * 2 else {
            throw VisageError(
                .invalidConfiguration, "VISAGE_ROUTING_LEASE (\(lease) s) must be at least twice VISAGE_ROUTING_HEARTBEAT (\(heartbeat) s)")
        }
        return Self(heartbeat: heartbeat, lease: lease)
    }
}

/// This process as an owner of file moves: registered in the database at its first move or
/// recovery, renewed every heartbeat on a thread of its own while the process runs, removed by
/// `stop()`. The routers and the review queue of one process share one lease.
public final class RoutingLease: Sendable {
    public let owner: RoutingOwner
    public let settings: RoutingLeaseSettings
    let store: any RoutingStore
    /// The heartbeat while it runs: its stop signal, and its own signal that it stopped.
    private let beating = Mutex<(stop: DispatchSemaphore, stopped: DispatchSemaphore)?>(nil)

    public init(store: any RoutingStore, settings: RoutingLeaseSettings = RoutingLeaseSettings(), owner: RoutingOwner = LocalProcesses.newOwner()) {
        self.store = store
        self.settings = settings
        self.owner = owner
    }

    /// Registers the owner and starts the heartbeat; does nothing while it runs.
    public func start() throws {
        try beating.withLock { heartbeat in
            guard heartbeat == nil else { return }
            try store.renewRoutingOwner(owner, lease: settings.lease)
            let stop = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
            heartbeat = (stop, stopped)
            Thread.detachNewThread { [store, owner, settings] in
                while stop.wait(timeout: .now() + settings.heartbeat) == .timedOut {
                    // A failed renewal is retried at the next beat; if the lease lapses meanwhile,
                    // planning refuses new moves and another process may take the unfinished ones.
                    try? store.renewRoutingOwner(owner, lease: settings.lease)
                }
                stopped.signal()
            }
        }
    }

    /// Stops the heartbeat and removes the owner's row (a clean stop): whatever it left planned
    /// is recoverable at once.
    public func stop() {
        let heartbeat = beating.withLock { heartbeat in
            defer { heartbeat = nil }
            return heartbeat
        }
        if let heartbeat {
            heartbeat.stop.signal()
            // A renewal in flight would write the row back after its removal.
            _ = heartbeat.stopped.wait(timeout: .now() + 10)
        }
        try? store.removeRoutingOwner(id: owner.id)
    }

    /// Removes the rows of owners that ran in this machine's PID namespace and whose process
    /// has stopped (killed, crashed), so their moves are recovered now rather than when their
    /// lease lapses. Owners elsewhere are judged by their lease alone.
    func removeStoppedOwners() throws {
        guard let machine = owner.machine else { return }
        for lease in try store.routingOwners()
        where lease.owner.id != owner.id && lease.owner.machine == machine && !LocalProcesses.isRunning(lease.owner.pid) {
            try store.removeRoutingOwner(id: lease.owner.id)
        }
    }
}
