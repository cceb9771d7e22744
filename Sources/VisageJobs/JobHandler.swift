import Foundation
import VisageCore
import VisageStorage

/// Runs the jobs of one kind. `run` may take long: it reports progress through the context,
/// which also tells it (by throwing `job_lease_lost`) when the job was taken from this worker,
/// so it stops. A job may run again after a crash or a lost lease, so a handler's work must be
/// safe to repeat (recognising an image under the same `image_id` replaces its faces).
public protocol JobHandler: Sendable {
    var kind: JobKind { get }
    /// Does the job; returns its result as JSON. Throwing fails the attempt (a retry follows,
    /// with backoff, until the job's attempts run out).
    func run(_ context: JobContext) throws -> String
}

/// The handlers a worker runs, by kind.
public struct JobHandlers: Sendable {
    private let byKind: [JobKind: any JobHandler]

    public init(_ handlers: [any JobHandler]) {
        byKind = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The handler for a stored job's kind; nil for a kind this process does not run.
    public func handler(for kind: String) -> (any JobHandler)? {
        JobKind(rawValue: kind).flatMap { byKind[$0] }
    }
}

/// One item of a batch job that could not be done: the job goes on without it (a missing or
/// unreadable file is the file's fault, and retrying the job would not fix it).
public struct SkippedItem: Codable, Sendable, Equatable {
    public var item: String
    public var code: String
    public var message: String

    /// Whether `error` is the item's own fault (skip it) rather than the worker's (fail the
    /// attempt, so it is retried): the caller's-mistake codes (4xx) and unreachable URLs.
    public static func isItemFault(_ error: any Error) -> Bool {
        guard let error = error as? VisageError else { return false }
        return error.status < 500 || error.code.hasPrefix("url_")
    }

    public init(item: String, error: any Error) {
        self.item = item
        code = (error as? VisageError)?.code ?? ErrorCode.internalError.rawValue
        message = (error as? VisageError)?.message ?? "\(error)"
    }
}

/// Skipped items as a result lists them: the first 100, so a folder of broken files can't make
/// the result unbounded.
public enum SkippedList {
    public static let limit = 100
}

/// The regular files under `folder` (recursively, hidden ones left out), sorted: the order a
/// batch job goes through them, the same at every attempt.
public enum FolderFiles {
    public static func list(_ folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            let full = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(full) }
        }
        return files.sorted()
    }
}
