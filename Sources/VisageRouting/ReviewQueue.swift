import Foundation
import Synchronization
import VisageCore
import VisageImaging
import VisageModels
import VisageReferences
import VisageStorage
import VisageVideo

/// Seed 003's review queue: the files routing sent to `review_path`, listed newest first, and
/// what a person decides for each: keep it (move it under `destination_path`), delete it (move it
/// to the trash, from where it can be restored), or add its face as a reference and keep it.
/// Every move goes through the `JournaledMover` (reasons `keep`, `delete`, `restore`), with its
/// audit line (`review_keep`, `review_delete`, `review_restore`, `review_add_reference`) in the
/// journal's transaction. Moves are made one at a time, as routing's are.
public final class ReviewQueue: Sendable {
    public let store: any RoutingStore
    public let mover: JournaledMover
    public let inspector: ReviewInspector
    public let intake: ReferenceIntake
    public let trash: ReviewTrash
    private let moveLock = Mutex(())

    /// `lease`: this process's owner of moves, shared with its router.
    public init(store: any RoutingStore, inspector: ReviewInspector, intake: ReferenceIntake, trash: ReviewTrash, lease: RoutingLease) {
        self.store = store
        mover = JournaledMover(store: store, lease: lease)
        self.inspector = inspector
        self.intake = intake
        self.trash = trash
    }

    /// The review folder; 409 `routing_not_configured` while unset.
    public func reviewFolder() throws -> String {
        guard let review = try store.routingSettings().reviewPath else {
            throw VisageError(.routingNotConfigured, "set review_path first (PUT /api/settings/face-recognition)")
        }
        return review
    }

    // MARK: Listing

    /// The queue's files, newest first (modification time, then name), `limit` of them from
    /// `offset`.
    public func page(limit: Int, offset: Int) throws -> ReviewPage {
        let items = Self.items(in: try reviewFolder())
        let start = min(offset, items.count)
        return ReviewPage(items: Array(items[start..<min(items.count, start + limit)]), total: items.count)
    }

    /// Every file of the review folder `review`, newest first (modification time, then name).
    /// Hidden files and unfinished copies (`.visage-partial`) are not items, nor symlinks; files
    /// in subfolders are.
    public static func items(in review: String) -> [ReviewItem] {
        var items: [ReviewItem] = []
        let entries = FileManager.default.enumerator(atPath: review)
        while let relative = entries?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if entries?.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { entries?.skipDescendants() }
                continue
            }
            guard !name.hasSuffix(JournaledMover.partialSuffix),
                let item = ReviewItem.at((review as NSString).appendingPathComponent(relative))
            else { continue }
            items.append(item)
        }
        return items.sorted { ($0.modified, $1.path) > ($1.modified, $0.path) }
    }

    /// The faces of a listed item, with the settings' tolerance (cached; see `ReviewInspector`).
    public func analysis(of item: ReviewItem) throws -> ReviewAnalysis {
        inspector.analysis(of: item, tolerance: try store.routingSettings().tolerance)
    }

    /// The item at `path`, which must be a regular file in the review folder.
    public func item(_ path: String) throws -> ReviewItem {
        let real = try ReviewPaths.file(path, in: try reviewFolder(), folderName: "review folder")
        guard let item = ReviewItem.at(real) else { throw VisageError(.imageNotFound, "there is no file \(path) in the review folder") }
        return item
    }

    // MARK: Decisions

    /// Moves the file to `destination` (a folder relative to `destination_path`, created if
    /// missing; empty is `destination_path` itself). Returns where it went.
    public func keep(_ path: String, destination: String, actor: String?) throws -> String {
        let source = try item(path).path
        let folder = try destinationFolder(destination)
        return try move(source, into: folder, reason: "keep", action: "review_keep", actor: actor)
    }

    /// Moves the file to today's trash folder. Returns where it went.
    public func delete(_ path: String, actor: String?) throws -> String {
        let source = try item(path).path
        return try move(source, into: try trash.dayFolder(at: Date()), reason: "delete", action: "review_delete", actor: actor)
    }

    /// Moves a trashed file back into the review folder. Returns where it went.
    public func restore(_ trashPath: String, actor: String?) throws -> String {
        let review = try reviewFolder()
        try FileManager.default.createDirectory(atPath: trash.folder, withIntermediateDirectories: true)
        let source = try ReviewPaths.file(trashPath, in: trash.folder, folderName: "trash")
        return try move(source, into: review, reason: "restore", action: "review_restore", actor: actor)
    }

    /// Adds the file's face as a reference of `personName` (an image's chosen face; a video's
    /// main face: `ReferenceIntake.add(personName:video:...)`), then keeps it as `keep` does.
    /// The reference stays if the move then fails: it was the person's face either way.
    public func addReference(
        _ path: String, personName: String, choice: ReferenceFaceChoice, destination: String, actor: String?
    ) throws -> (reference: ReferenceFace, movedTo: String) {
        let source = try item(path).path
        let folder = try destinationFolder(destination)
        let reference: ReferenceFace
        switch MediaKind.of(path: source) {
        case .image:
            let image = try inspector.decoder.decode(.file(source), maxSide: inspector.maxSide)
            reference = try intake.add(personName: personName, image: image, source: source, choice: choice, actor: actor)
        case .video:
            guard case .prominent = choice else {
                throw VisageError(.invalidRequest, "face_index and bbox choose a face of an image; a video's main face is chosen for you")
            }
            let video = try inspector.sampler.sample(URL(fileURLWithPath: source))
            reference = try intake.add(personName: personName, video: video, source: source, actor: actor)
        case .other:
            throw ReviewInspector.notMedia(source)
        }
        let movedTo = try move(
            source, into: folder, reason: "keep", action: "review_add_reference", actor: actor,
            extra: ["reference_id": String(reference.id), "person_name": reference.personName])
        return (reference, movedTo)
    }

    /// The real path of the folder `relative` names under `destination_path`, created if
    /// missing (`ReviewPaths.destination`).
    public func destinationFolder(_ relative: String) throws -> String {
        guard let root = try store.routingSettings().destinationPath else {
            throw VisageError(.routingNotConfigured, "set destination_path first (PUT /api/settings/face-recognition)")
        }
        return try ReviewPaths.destination(relative, under: root)
    }

    private func move(
        _ source: String, into folder: String, reason: String, action: String, actor: String?, extra: [String: String] = [:]
    ) throws -> String {
        let digest = try MediaRouter.digest(source, shown: source)
        return try moveLock.withLock { _ in
            // Moved meanwhile by another request: the first one wins.
            guard FileManager.default.fileExists(atPath: source) else {
                throw VisageError(.imageNotFound, "\(source) was moved meanwhile")
            }
            return try mover.move(
                source, digest: digest, into: folder, reason: reason, routed: { _ in nil },
                audit: { destination in
                    var fields = extra
                    fields["source"] = source
                    fields["destination"] = destination
                    return (action, actor, MediaRouter.detail(fields.mapValues { $0 }))
                })
        }
    }
}
