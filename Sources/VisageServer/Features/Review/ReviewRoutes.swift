import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VisageCore
import VisageRouting

/// Seed 003's review queue over HTTP: list the files routing sent to review (with their faces
/// and a thumbnail), and keep, delete (to the trash, undoable), restore, or add as a reference,
/// one file or a batch. Each decision is a journalled move with its audit line.
struct ReviewRoutes: FeatureRoutes {
    let queue: ReviewQueue
    let executor: BlockingExecutor
    /// How many files of a page are analysed at once (the executor's worker count).
    let lanes: Int

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        let queue = queue, executor = executor
        routes.get("api/review/list") { request, _ in try await list(request) }
        routes.get("api/review/thumbnail") { request, _ in try await thumbnail(request) }
        routes.get("api/review/media") { request, context in try await media(request, context) }
        routes.post("api/review/keep") { request, context in
            let body = try await request.decodeJSON(ReviewKeepBody.self, context: context)
            let actor = context.apiKey?.id
            let movedTo = try await executor.run { try queue.keep(body.filePath, destination: body.destination ?? "", actor: actor) }
            return try Response.json(ReviewMovedPayload(filePath: body.filePath, movedTo: movedTo))
        }
        routes.delete("api/review/delete") { request, context in
            let body = try await request.decodeJSON(ReviewDeleteBody.self, context: context)
            let actor = context.apiKey?.id
            let movedTo = try await executor.run { try queue.delete(body.filePath, actor: actor) }
            return try Response.json(ReviewMovedPayload(filePath: body.filePath, movedTo: movedTo))
        }
        routes.post("api/review/restore") { request, context in
            let body = try await request.decodeJSON(ReviewRestoreBody.self, context: context)
            let actor = context.apiKey?.id
            let movedTo = try await executor.run { try queue.restore(body.trashPath, actor: actor) }
            return try Response.json(ReviewMovedPayload(trashPath: body.trashPath, movedTo: movedTo))
        }
        routes.post("api/review/add-reference") { request, context in
            let body = try await request.decodeJSON(ReviewAddReferenceBody.self, context: context)
            let actor = context.apiKey?.id, choice = try body.choice()
            let (reference, movedTo) = try await executor.run {
                try queue.addReference(
                    body.filePath, personName: body.personName, choice: choice, destination: body.destination ?? "", actor: actor)
            }
            return try Response.json(
                ReviewReferencePayload(filePath: body.filePath, movedTo: movedTo, reference: ReferencePayload(reference), referenceID: reference.id))
        }
        routes.post("api/review/batch/keep") { request, context in
            let body = try await request.decodeJSON(ReviewBatchBody.self, context: context)
            let destination = body.destination ?? ""
            return try await batch(body, context, destination: destination) { path, actor in
                .init(filePath: path, movedTo: try queue.keep(path, destination: destination, actor: actor))
            }
        }
        routes.post("api/review/batch/delete") { request, context in
            let body = try await request.decodeJSON(ReviewBatchBody.self, context: context)
            return try await batch(body, context) { path, actor in .init(filePath: path, movedTo: try queue.delete(path, actor: actor)) }
        }
        routes.post("api/review/batch/add-reference") { request, context in
            let body = try await request.decodeJSON(ReviewBatchBody.self, context: context)
            let person = try body.requiredPersonName(), destination = body.destination ?? ""
            return try await batch(body, context, destination: destination) { path, actor in
                let (reference, movedTo) = try queue.addReference(
                    path, personName: person, choice: .prominent, destination: destination, actor: actor)
                return .init(filePath: path, movedTo: movedTo, referenceID: reference.id)
            }
        }
        return routes
    }

    /// A page of the queue; only its files are analysed (the others are only `stat`ed), in
    /// `lanes` jobs at once, each file's analysis cached until it changes.
    private func list(_ request: Request) async throws -> Response {
        let limit =
            try request.queryDouble("limit").map {
                try NumberField.integer($0, name: "limit", in: 1...500, message: "limit must be from 1 to 500")
            } ?? 50
        let offset =
            try request.queryDouble("offset").map {
                try NumberField.integer($0, name: "offset", in: 0...1_000_000_000, message: "offset must be from 0 to 1000000000")
            } ?? 0
        let queue = queue, executor = executor
        let page = try await executor.run { try queue.page(limit: limit, offset: offset) }
        let items = page.items, lanes = max(1, min(lanes, items.count))
        let analyses = try await withThrowingTaskGroup(of: [(Int, ReviewAnalysis)].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    try await executor.run {
                        try stride(from: lane, to: items.count, by: lanes).map { ($0, try queue.analysis(of: items[$0])) }
                    }
                }
            }
            return try await group.reduce(into: [Int: ReviewAnalysis]()) { all, lane in for (index, analysis) in lane { all[index] = analysis } }
        }
        let payloads = items.indices.compactMap { index in analyses[index].map { ReviewItemPayload(item: items[index], analysis: $0) } }
        return try Response.json(ReviewListPayload(items: payloads, total: page.total, limit: limit, offset: offset))
    }

    /// A JPEG of at most 320 pixels, cached by the browser for an hour and validated by `ETag`
    /// (path, size and modification time): 304 when the caller's copy is current.
    private func thumbnail(_ request: Request) async throws -> Response {
        guard let path = request.queryString("file_path") else {
            throw VisageError(.invalidRequest, "file_path is required: a file of the review queue")
        }
        try ReviewFields.path(path, field: "file_path")
        let queue = queue
        let item = try await executor.run { try queue.item(path) }
        var headers: HTTPFields = [.eTag: item.entityTag, .cacheControl: "private, max-age=3600"]
        if let ifNoneMatch = request.headers[.ifNoneMatch], Self.matches(ifNoneMatch, item.entityTag) {
            return Response(status: .notModified, headers: headers)
        }
        let jpeg = try await executor.run { try queue.inspector.thumbnail(of: item) }
        headers[.contentType] = "image/jpeg"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    /// The file itself, for the UI's preview: only images and videos (by their first bytes, never
    /// the name), so a file in review is never served as a page of this site. One byte range is
    /// honoured (`Range: bytes=a-b`), which video players need to seek.
    private func media(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        guard let path = request.queryString("file_path") else {
            throw VisageError(.invalidRequest, "file_path is required: a file of the review queue")
        }
        try ReviewFields.path(path, field: "file_path")
        let queue = queue
        let item = try await executor.run { try queue.item(path) }
        guard let contentType = ReviewMediaType.of(fileAt: item.path) else {
            throw VisageError(.imageFormatUnsupported, "\(item.name) is neither an image nor a video a browser shows")
        }
        var headers: HTTPFields = [
            .contentType: contentType, .eTag: item.entityTag, .cacheControl: "private, max-age=3600",
            .acceptRanges: "bytes", .xContentTypeOptions: "nosniff",
            HTTPField.Name("Content-Security-Policy")!: "sandbox; default-src 'none'",
        ]
        if let ifNoneMatch = request.headers[.ifNoneMatch], Self.matches(ifNoneMatch, item.entityTag) {
            return Response(status: .notModified, headers: headers)
        }
        guard item.size > 0 else { return Response(status: .ok, headers: headers) }
        let whole = 0...Int(item.size - 1)
        if let header = request.headers[.range], let range = ByteRange.parse(header, size: Int(item.size)) {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(item.size)"
            headers[.contentLength] = String(range.count)
            let body = try await FileIO().loadFile(path: item.path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = String(whole.count)
        return Response(status: .ok, headers: headers, body: try await FileIO().loadFile(path: item.path, range: whole, context: context))
    }

    /// `If-None-Match`: `*` or a list of tags, weak ones compared weakly (RFC 9110 13.1.2).
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || (trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed) == tag
        }
    }

    /// Runs `action` on each path in turn; one that fails is reported and the rest go on.
    private func batch(
        _ body: ReviewBatchBody, _ context: VisageRequestContext, destination: String? = nil,
        _ action: @escaping @Sendable (String, String?) throws -> ReviewBatchPayload.Result
    ) async throws -> Response {
        let actor = context.apiKey?.id, paths = body.filePaths, queue = queue
        let results = try await executor.run {
            // What holds for the whole batch fails it as a whole: no review folder, a destination
            // outside destination_path.
            _ = try queue.reviewFolder()
            if let destination { _ = try queue.destinationFolder(destination) }
            return paths.map { path in
                do {
                    return try action(path, actor)
                } catch let error as VisageError {
                    return ReviewBatchPayload.Result(filePath: path, error: ErrorDetailPayload(error))
                } catch {
                    return ReviewBatchPayload.Result(
                        filePath: path, error: ErrorDetailPayload(VisageError(.internalError, "the file could not be handled")))
                }
            }
        }
        return try Response.json(ReviewBatchPayload(results: results))
    }
}
