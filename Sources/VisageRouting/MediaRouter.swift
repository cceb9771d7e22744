import Foundation
import Synchronization
import VisageCore
import VisageImaging
import VisageInput
import VisageModels
import VisageReferences
import VisageStorage
import VisageVideo

/// What routing did with one file (seed 003's move module, as `POST /media/route` answers).
public struct RouteOutcome: Sendable {
    /// nil when face recognition is off (the file went to the destination unchecked) or the file
    /// is a duplicate.
    public var check: CheckResult?
    public var mediaType: String?
    /// Where the file is now; nil for a duplicate, which stays where it was.
    public var movedTo: String?
    public var duplicate: Bool
    /// For a duplicate: where the first copy went.
    public var duplicateOf: String?
    /// Why a file could not be analysed (it went to review).
    public var analysisError: VisageError?
}

/// Seed 003's routing: a file from the inbox is checked against the references and moved to
/// the destination (a match) or the review folder (no match, no face, or not analysable), by a
/// `JournaledMover`. A file whose content was routed before is a duplicate and stays put.
///
/// Moves are made one at a time (checks run in parallel), and each starts by checking that the
/// file is still there and its content still unrouted, so the same file routed twice at once
/// moves once. Across processes the journal does the same: a file another process is moving
/// is refused with `routing_in_progress`, and one it moved is no longer there.
public final class MediaRouter: Sendable {
    public let store: any RoutingStore
    public let mover: JournaledMover
    public let checker: MediaChecker
    public let sampler: VideoFrameSampler
    public let decoder: ImageDecoder
    public let maxSide: Int
    /// `VISAGE_INPUT_ROOTS`: files under them may be routed as well as the inbox's.
    public let inputRoots: [String]
    private let moveLock = Mutex(())

    /// `lease`: this process's owner of moves, shared with its review queue.
    public init(
        store: any RoutingStore, checker: MediaChecker, sampler: VideoFrameSampler, decoder: ImageDecoder, maxSide: Int,
        inputRoots: [String], lease: RoutingLease
    ) {
        self.store = store
        mover = JournaledMover(store: store, lease: lease)
        self.checker = checker
        self.sampler = sampler
        self.decoder = decoder
        self.maxSide = maxSide
        self.inputRoots = inputRoots
    }

    public func route(_ path: String, actor: String?) throws -> RouteOutcome {
        let settings = try store.routingSettings()
        guard let destination = settings.destinationPath, let review = settings.reviewPath else {
            throw VisageError(
                .routingNotConfigured, "set destination_path and review_path first (PUT /api/settings/face-recognition)")
        }
        let roots = (settings.inboxPath.map { [$0] } ?? []) + inputRoots
        guard !roots.isEmpty else {
            throw VisageError(.pathNotAllowed, "\(path) is outside the inbox: set inbox_path (or VISAGE_INPUT_ROOTS) to route files")
        }
        let source = try PathConfinement.resolve(path, roots: roots)
        try Self.requireRegularFile(source, shown: path)
        // Being moved by another request or process: refused before the analysis, not after.
        if try store.unfinishedMoves().contains(where: { $0.source == source }) { throw RoutingOwnershipErrors.inProgress(path) }
        let digest = try Self.digest(source, shown: path)
        if let earlier = try store.routedFile(contentHash: digest.sha256) {
            // Looked for after the record, as below: it may be this very file, routed meanwhile.
            try Self.requireStillThere(source, shown: path)
            return try duplicate(source, of: earlier, actor: actor)
        }

        var outcome = RouteOutcome(duplicate: false)
        var target = destination
        if settings.enabled {
            do {
                let (result, type) = try check(source, settings)
                outcome.check = result
                outcome.mediaType = type
                if !result.hasMatch { target = review }
            } catch let error as VisageError {
                // Not analysable: a person decides.
                outcome.analysisError = error
                target = review
            }
        }
        let hasMatch = outcome.check?.hasMatch ?? false
        let reason = !settings.enabled ? "unchecked" : (hasMatch ? "match" : "no_match")
        let person = outcome.check?.personName
        let moved = try moveLock.withLock { _ -> MoveResult in
            // The same content routed meanwhile: from another file (this copy is a duplicate), or this
            // very file by another request or process (nothing is left to route). A move removes
            // its source before its record is written, so the file is looked for after the record.
            if let earlier = try store.routedFile(contentHash: digest.sha256) {
                try Self.requireStillThere(source, shown: path)
                return .duplicate(of: earlier)
            }
            try Self.requireStillThere(source, shown: path)
            return .moved(
                to: try mover.move(
                    source, digest: digest, into: target, reason: reason,
                    routed: {
                        RoutedFile(
                            contentHash: digest.sha256, originalPath: source, routedTo: $0, hasMatch: hasMatch, personName: person, routedAt: Date())
                    },
                    audit: { ("route", actor, Self.detail(["source": source, "destination": $0, "reason": reason, "person_name": person])) }))
        }
        switch moved {
        case .moved(let destination): outcome.movedTo = destination
        case .duplicate(let earlier): return try duplicate(source, of: earlier, actor: actor)
        }
        return outcome
    }

    private enum MoveResult {
        case moved(to: String)
        case duplicate(of: RoutedFile)
    }

    /// Whether routing `path` failed only because another request or process has the file: it is
    /// being moved (`routing_in_progress`), or it is gone from where it was (`image_not_found`).
    /// A watcher skips such a file without reporting it.
    public static func isTakenByAnother(_ error: any Error, path: String) -> Bool {
        guard let error = error as? VisageError else { return false }
        if error.code == ErrorCode.routingInProgress.rawValue { return true }
        return error.code == ErrorCode.imageNotFound.rawValue && !FileManager.default.fileExists(atPath: path)
    }

    /// Finishes or undoes what a crash left half done; run before routing starts.
    public func recover() throws -> JournaledMover.Recovery {
        try moveLock.withLock { _ in try mover.recover() }
    }

    private func check(_ source: String, _ settings: FaceRoutingSettings) throws -> (CheckResult, String) {
        let (result, isVideo) = try checker.check(
            fileAt: source, sampler: sampler, decoder: decoder, maxSide: maxSide, tolerance: settings.tolerance,
            personName: settings.personName)
        return (result, isVideo ? "video" : "image")
    }

    private func duplicate(_ source: String, of earlier: RoutedFile, actor: String?) throws -> RouteOutcome {
        try store.appendMediaAudit(
            action: "route_duplicate", actor: actor, detailJSON: Self.detail(["source": source, "duplicate_of": earlier.routedTo]))
        return RouteOutcome(duplicate: true, duplicateOf: earlier.routedTo)
    }

    /// The file's SHA-256 and size; `image_not_found` when it went meanwhile (another request or
    /// process routed it), `image_unreadable` when it can't be read.
    static func digest(_ source: String, shown: String) throws -> FileDigest {
        do {
            return try FileDigest.of(URL(fileURLWithPath: source))
        } catch {
            try requireStillThere(source, shown: shown)
            throw VisageError(.imageUnreadable, "\(shown) could not be read: \(error.localizedDescription)")
        }
    }

    /// `image_not_found` for a file routed away by another request or process since it was read.
    static func requireStillThere(_ path: String, shown: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw VisageError(.imageNotFound, "\(shown) was moved by another request meanwhile")
        }
    }

    static func requireRegularFile(_ path: String, shown: String) throws {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard type == .typeRegular else { throw VisageError(.imageNotAFile, "\(shown) is not a regular file") }
    }

    static func detail(_ fields: [String: String?]) -> String? {
        let object = fields.compactMapValues { $0 }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
