import VisageCore

/// What a key may do: one area of the API and a level. Scopes are strings on the wire
/// (`faces:read`) and in the store, and only the ones listed in `all` exist, so a typo is refused
/// when a key is created rather than silently granting nothing.
///
/// A write scope grants the read scope of its area too (renaming a person means looking at
/// them). No scope grants another area: `admin` manages keys and runs whole-library jobs, but it
/// does not read faces, so a key that only administers can't be used to browse the library.
public struct Scope: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    private init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Recognition results, people, faces, crops, suggestions, image search (seed 000, read side).
    public static let facesRead = Scope("faces:read")
    /// Recognise (it stores faces), encode images for search (it stores embeddings), name, rename,
    /// correct, merge, split, delete faces and images.
    public static let facesWrite = Scope("faces:write")
    /// Search the face database, list collections, read a collection image (seed 002).
    public static let facedbRead = Scope("facedb:read")
    /// Add and delete face-database images and collections.
    public static let facedbWrite = Scope("facedb:write")
    /// Stateless analysis: `/faces/detect`, `/extract-faces` (seed 004). Nothing is stored.
    public static let extract = Scope("extract")
    /// Issue 14's collection classifiers: list their versions and metrics.
    public static let classifiersRead = Scope("classifiers:read")
    /// Train a collection classifier (a new version) and delete one.
    public static let classifiersWrite = Scope("classifiers:write")
    /// Issue 15's job queue: list jobs and follow their progress.
    public static let jobsRead = Scope("jobs:read")
    /// Submit bulk jobs (ingest a folder or URLs, route media, reindex) and cancel them.
    public static let jobsWrite = Scope("jobs:write")
    /// Seed 003: reference faces, checking media against them, and the review queue.
    public static let review = Scope("review")
    /// Keys, and whole-library jobs (recluster; reindex and settings when served).
    public static let admin = Scope("admin")
    /// The server's Prometheus metrics (`GET /metrics`): counts and timings, no library content,
    /// so a scraper's key can't read faces.
    public static let metrics = Scope("metrics")

    /// Every scope, in the order documentation lists them.
    public static let all: [Scope] = [
        facesRead, facesWrite, facedbRead, facedbWrite, classifiersRead, classifiersWrite, jobsRead, jobsWrite, extract, review, admin,
        metrics,
    ]

    /// The scope named `text`; `invalid_scope` if there is none.
    public init(parsing text: String) throws {
        guard let scope = Self.all.first(where: { $0.rawValue == text }) else {
            let known = Self.all.map(\.rawValue).joined(separator: ", ")
            throw VisageError(.invalidScope, "unknown scope \"\(text.prefix(64))\"; scopes are \(known)")
        }
        self = scope
    }

    /// The scopes holding this one grants: itself, and for a write scope its area's read scope.
    public var grants: Set<Scope> {
        switch self {
        case .facesWrite: [self, .facesRead]
        case .facedbWrite: [self, .facedbRead]
        case .classifiersWrite: [self, .classifiersRead]
        case .jobsWrite: [self, .jobsRead]
        default: [self]
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        (all.firstIndex(of: lhs) ?? all.count) < (all.firstIndex(of: rhs) ?? all.count)
    }
}

extension Set<Scope> {
    /// Whether holding these scopes allows what `scope` allows.
    public func allows(_ scope: Scope) -> Bool {
        contains { $0.grants.contains(scope) }
    }

    /// Every scope these scopes grant, implied ones included.
    public var granted: Set<Scope> {
        reduce(into: []) { $0.formUnion($1.grants) }
    }

    /// Parses scope names; `invalid_scope` for an unknown one or for none at all.
    public init(parsing names: some Sequence<String>) throws {
        self = try Set(names.map { try Scope(parsing: $0) })
        guard !isEmpty else { throw VisageError(.invalidScope, "a key needs at least one scope") }
    }

    /// The names, in documentation order (stable for storage and output).
    public var names: [String] { sorted().map(\.rawValue) }
}
