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

    public init(
        id: Int64, source: String, destination: String, contentHash: String, size: Int64, state: State, reason: String,
        routed: RoutedFile? = nil, createdAt: Date
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

/// Where routing keeps its settings, journal and history. Each call is one transaction.
public protocol RoutingStore: Sendable {
    /// The stored settings; the defaults when none were saved.
    func routingSettings() throws -> FaceRoutingSettings
    func saveRoutingSettings(_ settings: FaceRoutingSettings, actor: String?) throws
    /// Journals a move as `planned`, before the file is touched, with the routing record its
    /// completion writes.
    func planMove(
        source: String, destination: String, contentHash: String, size: Int64, reason: String, routed: RoutedFile?
    ) throws
        -> FileMove
    /// Marks the move `done` (writing its routing record) or `rolledBack`, with the audit line,
    /// in one transaction.
    func finishMove(_ id: Int64, state: FileMove.State, audit: (action: String, actor: String?, detailJSON: String?)?) throws
    /// Moves still `planned`: what a crash left for recovery.
    func unfinishedMoves() throws -> [FileMove]
    /// The file routed with this content, if any.
    func routedFile(contentHash: String) throws -> RoutedFile?
    /// Appends a line to seed 003's audit trail (as `ReferenceStore`'s).
    @discardableResult func appendMediaAudit(action: String, actor: String?, detailJSON: String?) throws -> MediaAuditEntry
}
