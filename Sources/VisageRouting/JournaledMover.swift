import Foundation
import VisageCore
import VisageModels
import VisageStorage

/// Moves files so that none is ever lost or left twice, whatever moment the process dies at.
///
/// Each move is written to the journal (`RoutingStore.planMove`) before the file is touched,
/// then done without ever replacing a file:
/// - on one file system, `link` to the new name (refused if the name exists) then `unlink` the
///   old one;
/// - across file systems, a copy to `NAME.visage-partial`, fsynced, linked to the new name,
///   then the partial and the source removed.
///
/// Directories are fsynced after each step, and the journal row is finished (with the routing
/// record and audit line, in one transaction) only after. `recover()` finishes or undoes the
/// moves a crash left `planned`, by what is on disk: the copy at the destination counts only when
/// its SHA-256 is the journal's.
///
/// Several processes may share one journal (issue 15). Each move is planned by this process's
/// `RoutingLease` owner, and the database refuses a second planned move of a source, so two
/// processes never move one file at once. Recovery takes only moves whose owner is gone, each
/// claimed by a compare-and-set, so a live move of another process is never touched and a dead
/// one's is recovered by one process.
public struct JournaledMover: Sendable {
    public let store: any RoutingStore
    public let lease: RoutingLease

    public init(store: any RoutingStore, lease: RoutingLease) {
        self.store = store
        self.lease = lease
    }

    var owner: String { lease.owner.id }

    static let partialSuffix = ".visage-partial"

    /// Moves `source` (whose digest the caller took) into `folder` under its own name, or
    /// `name (2).ext` and so on when that is taken. Returns where it went.
    public func move(
        _ source: String, digest: FileDigest, into folder: String, reason: String, routed: (String) -> RoutedFile?,
        audit: (String) -> (action: String, actor: String?, detailJSON: String?)?
    ) throws -> String {
        try lease.start()
        let destination = Self.freeName(for: (source as NSString).lastPathComponent, in: folder)
        let move = try store.planMove(
            source: source, destination: destination, contentHash: digest.sha256, size: digest.size, reason: reason,
            routed: routed(destination), owner: owner)
        CrashPoints.reached(.planned)
        do {
            try Self.place(source, at: destination)
        } catch {
            // Nothing was placed (a failed copy removes its partial); the source is where it was,
            // unless another process moved it since it was read.
            try? store.finishMove(move.id, owner: owner, state: .rolledBack, audit: nil)
            guard FileSystemCalls.exists(source) else {
                throw VisageError(.imageNotFound, "\(source) was moved by another request or process meanwhile")
            }
            throw error
        }
        try store.finishMove(move.id, owner: owner, state: .done, audit: audit(destination))
        return destination
    }

    /// What `recover()` did with each unfinished move.
    public struct Recovery: Sendable, Equatable {
        public var completed: [String] = []
        public var rolledBack: [String] = []
        /// Journal rows whose file is at neither end (someone else moved or deleted it).
        public var missing: [String] = []

        public var isEmpty: Bool { completed.isEmpty && rolledBack.isEmpty && missing.isEmpty }
    }

    /// Finishes or undoes the moves whose owner is gone (a crash, here or in another process):
    /// run before routing starts, and now and then while it runs. Moves of live owners are left
    /// to them.
    public func recover() throws -> Recovery {
        try lease.start()
        try lease.removeStoppedOwners()
        var recovery = Recovery()
        // Of several processes recovering at once, one claims each move; the others skip it.
        for move in try store.orphanedMoves() {
            guard try store.claimMove(move.id, from: move.owner, to: owner) else { continue }
            let partial = move.destination + Self.partialSuffix
            let atSource = FileSystemCalls.exists(move.source)
            // A partial copy never counts: the protocol links it to the destination only once whole.
            let atDestination = FileSystemCalls.exists(move.destination) && Self.hash(move.destination) == move.contentHash
            try? FileSystemCalls.unlink(partial)
            if atDestination {
                if atSource { try FileSystemCalls.unlink(move.source) }
                FileSystemCalls.syncDirectory(of: move.source)
                try store.finishMove(
                    move.id, owner: owner, state: .done, audit: ("move_recovered", nil, Self.detail(move, "completed")))
                recovery.completed.append(move.destination)
            } else if atSource {
                // The destination only ever appears by a link to a whole file, so a file there with
                // other bytes is someone else's: it is left alone.
                try store.finishMove(
                    move.id, owner: owner, state: .rolledBack, audit: ("move_recovered", nil, Self.detail(move, "rolled_back")))
                recovery.rolledBack.append(move.source)
            } else {
                try store.finishMove(
                    move.id, owner: owner, state: .rolledBack, audit: ("move_recovered", nil, Self.detail(move, "missing")))
                recovery.missing.append(move.source)
            }
        }
        return recovery
    }

    /// Puts the file at `destination` and removes it from `source`, never replacing a file.
    static func place(_ source: String, at destination: String) throws {
        switch try FileSystemCalls.link(source, destination) {
        case .linked:
            FileSystemCalls.syncDirectory(of: destination)
            CrashPoints.reached(.linked)
        case .exists:
            throw VisageError(.routingFailed, "\(destination) appeared while the move was planned")
        case .crossDevice:
            let partial = destination + partialSuffix
            try FileSystemCalls.copy(source, to: partial)
            FileSystemCalls.syncDirectory(of: partial)
            CrashPoints.reached(.copied)
            guard try FileSystemCalls.link(partial, destination) == .linked else {
                try? FileSystemCalls.unlink(partial)
                throw VisageError(.routingFailed, "could not link the copy of \(source) to \(destination)")
            }
            FileSystemCalls.syncDirectory(of: destination)
            CrashPoints.reached(.linked)
            try FileSystemCalls.unlink(partial)
        case .unsupported:
            // A file system without hard links: rename, after checking the name is free.
            guard !FileSystemCalls.exists(destination) else {
                throw VisageError(.routingFailed, "\(destination) appeared while the move was planned")
            }
            try FileSystemCalls.rename(source, destination)
            FileSystemCalls.syncDirectory(of: destination)
            FileSystemCalls.syncDirectory(of: source)
            return
        }
        try FileSystemCalls.unlink(source)
        FileSystemCalls.syncDirectory(of: source)
        CrashPoints.reached(.unlinked)
    }

    /// `name`, or `stem (2).ext`, `stem (3).ext`, ... : the first free name in `folder`.
    static func freeName(for name: String, in folder: String) -> String {
        let base = (folder as NSString).appendingPathComponent(name)
        guard FileSystemCalls.exists(base) || FileSystemCalls.exists(base + partialSuffix) else { return base }
        let stem = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        for index in 2... {
            let candidate = (folder as NSString).appendingPathComponent("\(stem) (\(index))" + (ext.isEmpty ? "" : ".\(ext)"))
            if !FileSystemCalls.exists(candidate), !FileSystemCalls.exists(candidate + partialSuffix) { return candidate }
        }
        return base
    }

    static func hash(_ path: String) -> String? {
        try? FileDigest.of(URL(fileURLWithPath: path)).sha256
    }

    private static func detail(_ move: FileMove, _ outcome: String) -> String? {
        let object = ["source": move.source, "destination": move.destination, "outcome": outcome, "reason": move.reason]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
    }
}
