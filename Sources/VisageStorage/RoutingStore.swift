import Foundation

/// Seed 003's face-recognition settings, stored in the database and editable while serving.
public struct FaceRoutingSettings: Sendable, Equatable, Codable {
    /// Off: every file goes to `destinationPath` unchecked, as the seed's pipeline does.
    public var enabled: Bool
    public var tolerance: Double
    /// Match only this person's references; nil matches anyone's.
    public var personName: String?
    /// Where media with a match go.
    public var destinationPath: String?
    /// Where media without one go (no face, no match, or not analysable).
    public var reviewPath: String?
    /// Where new media arrive (`visage watch` routes every file that appears there).
    public var inboxPath: String?

    public init(
        enabled: Bool = true, tolerance: Double = 0.6, personName: String? = nil, destinationPath: String? = nil,
        reviewPath: String? = nil, inboxPath: String? = nil
    ) {
        self.enabled = enabled
        self.tolerance = tolerance
        self.personName = personName
        self.destinationPath = destinationPath
        self.reviewPath = reviewPath
        self.inboxPath = inboxPath
    }

    enum CodingKeys: String, CodingKey {
        case enabled, tolerance
        case personName = "person_name", destinationPath = "destination_path", reviewPath = "review_path", inboxPath = "inbox_path"
    }
}

/// One file move in the journal: written before the move starts and finished after it, so a
/// crash at any point can be completed or undone at the next start.
public struct FileMove: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Written before anything on disk changes.
        case planned
        /// The file is at `destination` and nowhere else.
        case done
        /// The file stayed (or was put back) at `source`.
        case rolledBack = "rolled_back"
    }

    public var id: Int64
    public var source: String
    public var destination: String
    /// SHA-256 of the file's bytes: how recovery tells a finished copy from a partial one.
    public var contentHash: String
    public var size: Int64
    public var state: State
    /// Why the file moved: `match`, `no_match`, `keep`, `delete`, ...
    public var reason: String
    /// The routing record to write when the move is done (also by recovery); nil for moves that
    /// are not routing decisions (review actions).
    public var routed: RoutedFile?
    public var createdAt: Date
    /// The `RoutingOwner` moving it (its recoverer, once claimed); nil for moves journalled
    /// before owners existed.
    public var owner: String?

    public init(
        id: Int64, source: String, destination: String, contentHash: String, size: Int64, state: State, reason: String,
        routed: RoutedFile? = nil, createdAt: Date, owner: String? = nil
    ) {
        self.id = id
        self.source = source
        self.destination = destination
        self.contentHash = contentHash
        self.size = size
        self.state = state
        self.reason = reason
        self.routed = routed
        self.createdAt = createdAt
        self.owner = owner
    }
}

/// A file routed once: its content hash makes a second copy of it a duplicate.
public struct RoutedFile: Sendable, Equatable, Codable {
    public var contentHash: String
    public var originalPath: String
    public var routedTo: String
    public var hasMatch: Bool
    public var personName: String?
    public var routedAt: Date

    public init(contentHash: String, originalPath: String, routedTo: String, hasMatch: Bool, personName: String?, routedAt: Date) {
        self.contentHash = contentHash
        self.originalPath = originalPath
        self.routedTo = routedTo
        self.hasMatch = hasMatch
        self.personName = personName
        self.routedAt = routedAt
    }
}

/// Where routing keeps its settings, journal and history. Each call is one transaction; times
/// that decide a lease are the database's clock, so processes on several machines agree.
public protocol RoutingStore: Sendable {
    /// The stored settings; the defaults when none were saved.
    func routingSettings() throws -> FaceRoutingSettings
    func saveRoutingSettings(_ settings: FaceRoutingSettings, actor: String?) throws
    /// Journals a move as `planned` by `owner`, before the file is touched, with the routing
    /// record its completion writes. Refused with `routing_in_progress` while the source has a
    /// planned move already (of any owner: a file is moved once at a time), and with
    /// `routing_failed` unless `owner`'s lease is live.
    func planMove(
        source: String, destination: String, contentHash: String, size: Int64, reason: String, routed: RoutedFile?,
        owner: String
    ) throws
        -> FileMove
    /// Marks the move `done` (writing its routing record) or `rolledBack`, with the audit line,
    /// in one transaction. Only a `planned` move of `owner` finishes (`store_failed` else): a
    /// move taken over by a recoverer is no longer its planner's to finish.
    func finishMove(
        _ id: Int64, owner: String, state: FileMove.State, audit: (action: String, actor: String?, detailJSON: String?)?
    ) throws
    /// Every move still `planned`, live or left by a crash.
    func unfinishedMoves() throws -> [FileMove]
    /// The `planned` moves whose owner is gone (none, lease lapsed, row removed): what recovery
    /// may claim.
    func orphanedMoves() throws -> [FileMove]
    /// Makes `owner` (whose lease must be live) the owner of a planned move still owned by
    /// `previous`, and only while `previous` is gone: a compare-and-set, so of several
    /// recoverers one takes each move. False when the move finished, another took it, or
    /// `previous` renewed its lease meanwhile.
    func claimMove(_ id: Int64, from previous: String?, to owner: String) throws -> Bool
    /// Registers `owner`, or renews its lease, to last `lease` seconds from now.
    func renewRoutingOwner(_ owner: RoutingOwner, lease: TimeInterval) throws
    /// Removes an owner's row (a clean stop, or a process seen gone): its planned moves become
    /// recoverable at once.
    func removeRoutingOwner(id: String) throws
    /// The registered owners, by id.
    func routingOwners() throws -> [RoutingOwnerLease]
    /// The file routed with this content, if any.
    func routedFile(contentHash: String) throws -> RoutedFile?
    /// Appends a line to seed 003's audit trail (as `ReferenceStore`'s).
    @discardableResult func appendMediaAudit(action: String, actor: String?, detailJSON: String?) throws -> MediaAuditEntry
}
