import Foundation
import VisageCore

/// A process that moves files (issue 15: several `visage serve`/`watch` processes on one
/// database). Its `planned` moves are its own while its lease lasts; recovery takes only moves
/// whose owner is gone: no owner (written before owners existed), a lapsed lease, or no row.
public struct RoutingOwner: Sendable, Equatable {
    /// Random per process.
    public var id: String
    /// The machine and PID namespace the process runs in (boot id and namespace), nil where it
    /// can't be told: a recoverer in the same one can see at once that `pid` has stopped.
    public var machine: String?
    public var pid: Int32

    public init(id: String, machine: String?, pid: Int32) {
        self.id = id
        self.machine = machine
        self.pid = pid
    }
}

/// An owner's row, as the database's clock sees it now.
public struct RoutingOwnerLease: Sendable, Equatable {
    public var owner: RoutingOwner
    public var expiresAt: Date
    /// `expiresAt` is still ahead of the database's clock.
    public var isLive: Bool

    public init(owner: RoutingOwner, expiresAt: Date, isLive: Bool) {
        self.owner = owner
        self.expiresAt = expiresAt
        self.isLive = isLive
    }
}

/// The refusals of move ownership, the same from every backend.
public enum RoutingOwnershipErrors {
    public static func inProgress(_ source: String) -> VisageError {
        VisageError(.routingInProgress, "\(source) is being moved already (by another request or process)")
    }

    public static func lapsed(_ owner: String) -> VisageError {
        VisageError(
            .routingFailed, "this process's routing lease (owner \(owner)) is not live: the database could not be reached to renew it")
    }

    public static func notOwned(_ id: Int64) -> VisageError {
        VisageError(.storeFailed, "the move \(id) belongs to another process (its recoverer took it over)")
    }
}
