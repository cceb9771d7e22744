import ArgumentParser
import Foundation
import VisageCore
import VisageRouting
import VisageServer

/// `visage review`: the review queue from the command line (the decisions are the API's).
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "The review queue: list it, empty its trash.",
        subcommands: [ReviewListCommand.self, ReviewEmptyTrashCommand.self])
}

/// `visage review list`: one JSON line per file of the review folder, newest first (no face
/// analysis: that is `GET /api/review/list`'s, with the models loaded).
struct ReviewListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print the files of the review folder (review_path), newest first, one JSON line each.")

    @OptionGroup var data: DataOptions

    func run() throws {
        do {
            guard let review = try data.openRecordStores().routingSettings().reviewPath else {
                throw VisageError(.routingNotConfigured, "set review_path first (PUT /api/settings/face-recognition)")
            }
            for item in ReviewQueue.items(in: review) { print(ReviewListLine(item).jsonLine()) }
        } catch {
            exitWithError(error)
        }
    }
}

/// A file of the queue as `GET /api/review/list` shows it, less its faces and thumbnail.
private struct ReviewListLine: Encodable {
    let filePath: String
    let fileName: String
    let size: Int64
    let addedAt: String
    let mediaType: String

    enum CodingKeys: String, CodingKey {
        case filePath = "file_path", fileName = "file_name", size, addedAt = "added_at", mediaType = "media_type"
    }

    init(_ item: ReviewItem) {
        filePath = item.path
        fileName = item.name
        size = item.size
        addedAt = item.modified.formatted(Date.ISO8601FormatStyle())
        mediaType = MediaKind.of(path: item.path).rawValue
    }
}

/// `visage review empty-trash`: deletes for good what `DELETE /api/review/delete` put in the
/// data directory's trash.
struct ReviewEmptyTrashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "empty-trash",
        abstract: "Delete for good the review files deleted to the trash (DATA/trash); prints what was removed as JSON.")

    @Option(help: "Only the files deleted more than DAYS days ago (by the day they were deleted, UTC).")
    var olderThan: Int?

    @OptionGroup var data: DataOptions

    func validate() throws {
        if let olderThan, !(0...36500).contains(olderThan) { throw ValidationError("--older-than must be from 0 to 36500 days") }
    }

    func run() throws {
        do {
            let emptied = try data.reviewTrash.empty(olderThanDays: olderThan)
            let detail = "{\"days\":[\(emptied.days.map { "\"\($0)\"" }.joined(separator: ","))],\"files\":\(emptied.files)}"
            try data.openRecordStores().appendMediaAudit(action: "review_empty_trash", actor: "cli", detailJSON: detail)
            print(EmptiedLine(removedFiles: emptied.files, removedDays: emptied.days, trash: data.reviewTrash.folder).jsonLine())
        } catch {
            exitWithError(error)
        }
    }
}

private struct EmptiedLine: Encodable {
    let removedFiles: Int
    let removedDays: [String]
    let trash: String

    enum CodingKeys: String, CodingKey { case removedFiles = "removed_files", removedDays = "removed_days", trash }
}
