import Foundation
import VisageCore
import VisageRouting

/// `route_media`: routes every file under the folder through seed 003's `MediaRouter`, as
/// `visage route` does: checked against the references, moved to the destination or to review,
/// duplicates by content left in place. A retry is safe: moved files are gone from the folder,
/// and content already routed is a duplicate. Progress: files done of the folder's files.
public struct RouteMediaHandler: JobHandler {
    public let kind = JobKind.routeMedia
    let router: MediaRouter

    public init(router: MediaRouter) {
        self.router = router
    }

    public func run(_ context: JobContext) throws -> String {
        let payload = try JobJSON.decode(FolderPayload.self, from: context.job.payload)
        let files = FolderFiles.list(payload.folder)
        var result = RouteResult(files: files.count)
        try context.progress(done: 0, total: files.count)
        for (index, file) in files.enumerated() {
            do {
                let outcome = try router.route(file, actor: "job:\(context.job.id)")
                if outcome.duplicate {
                    result.duplicates += 1
                } else if let check = outcome.check {
                    if check.hasMatch { result.matched += 1 } else { result.toReview += 1 }
                } else if outcome.analysisError != nil {
                    result.toReview += 1
                } else {
                    // Face recognition is off: the file went to the destination unchecked.
                    result.unchecked += 1
                }
            } catch let error where SkippedItem.isItemFault(error) {
                result.skippedCount += 1
                if result.skipped.count < SkippedList.limit { result.skipped.append(SkippedItem(item: file, error: error)) }
            }
            try context.progress(done: index + 1, total: files.count)
        }
        return try JobJSON.encode(result)
    }
}

/// What a routing job did with the folder's files.
public struct RouteResult: Codable, Sendable, Equatable {
    public var files: Int
    public var matched = 0
    public var toReview = 0
    /// Moved to the destination without a check (face recognition off).
    public var unchecked = 0
    public var duplicates = 0
    public var skippedCount = 0
    public var skipped: [SkippedItem] = []

    enum CodingKeys: String, CodingKey {
        case files, matched, unchecked, duplicates, skipped
        case toReview = "to_review", skippedCount = "skipped_count"
    }

    init(files: Int) {
        self.files = files
    }
}
