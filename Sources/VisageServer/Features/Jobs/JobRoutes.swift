import Foundation
import Hummingbird
import NIOCore
import VisageCore
import VisageJobs
import VisageStorage

/// Issue 15's job queue over HTTP: submit bulk work (202, the job), follow it, list jobs, cancel
/// one. Workers (`visage serve`'s own, `visage worker`) run the jobs; these routes only touch
/// the queue. Payloads are checked on submission, so a job that could never run is refused here.
struct JobRoutes: FeatureRoutes {
    /// Nil on a server composed without a job store.
    let queue: JobQueue?

    /// A submitted body: the largest payload is a list of `maxURLs` URLs of 2,048 characters.
    static let maxBodyBytes = 4 << 20

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("jobs") { request, context in
            let queue = try self.available()
            let body = try await SubmitJobBody.read(request, context: context)
            let job = try await offloaded { try queue.submit(kind: body.kind, payload: body.payload, idempotencyKey: body.idempotencyKey) }
            return Self.json(JobDocument.object(job), status: .accepted)
        }
        routes.get("jobs") { request, _ in
            let queue = try self.available()
            let state = try request.queryString("state").map(Self.state)
            let limit = try request.queryDouble("limit").map {
                try NumberField.integer($0, name: "limit", in: 1...1000, message: "limit must be from 1 to 1000")
            }
            let jobs = try await offloaded { try queue.list(state: state, limit: limit ?? 100) }
            return Self.json(["jobs": jobs.map(JobDocument.object)])
        }
        routes.get("jobs/:job_id") { _, context in
            let queue = try self.available(), id = try Self.jobID(context)
            return Self.json(JobDocument.object(try await offloaded { try queue.job(id) }))
        }
        routes.delete("jobs/:job_id") { _, context in
            let queue = try self.available(), id = try Self.jobID(context)
            return Self.json(JobDocument.object(try await offloaded { try queue.cancel(id) }))
        }
        return routes
    }

    private func available() throws -> JobQueue {
        guard let queue else { throw VisageError(.invalidConfiguration, "this server was started without a job queue") }
        return queue
    }

    static func jobID(_ context: VisageRequestContext) throws -> Int64 {
        let text = try context.pathParameter("job_id")
        guard let id = Int64(text), id > 0 else {
            throw VisageError(.invalidRequest, "job_id must be a positive integer, got '\(text.prefix(64))'")
        }
        return id
    }

    static func state(_ text: String) throws -> Job.State {
        guard let state = Job.State(rawValue: text) else {
            let states = Job.State.allCases.map(\.rawValue).joined(separator: ", ")
            throw VisageError(.invalidRequest, "state must be one of \(states), got '\(text.prefix(64))'")
        }
        return state
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: JobDocument.data(object))))
    }
}

/// `POST /jobs`'s body: `kind`, `payload` (a JSON object, checked by the kind) and an optional
/// `idempotency_key`. Read as raw JSON because the payload's shape depends on the kind.
struct SubmitJobBody {
    let kind: String
    let payload: Data
    let idempotencyKey: String?

    static func read(_ request: Request, context: VisageRequestContext) async throws -> SubmitJobBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: JobRoutes.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw VisageError.requestTooLarge(limit: JobRoutes.maxBodyBytes)
        }
        return try parse(Data(buffer: buffer))
    }

    static func parse(_ data: Data) throws -> SubmitJobBody {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw VisageError(.invalidJson, "the body must be a JSON object with kind, payload and optionally idempotency_key")
        }
        if let unknown = object.keys.sorted().first(where: { !["kind", "payload", "idempotency_key"].contains($0) }) {
            throw VisageError(.invalidRequest, "unknown field \"\(unknown.prefix(64))\": a job has kind, payload and idempotency_key")
        }
        guard let kind = object["kind"] as? String else { throw VisageError(.invalidRequest, "kind is required: the job's kind as a string") }
        let payload = object["payload"] ?? [String: Any]()
        guard payload is [String: Any] else { throw VisageError(.invalidJobPayload, "payload must be a JSON object") }
        let key = object["idempotency_key"]
        guard key == nil || key is String else { throw VisageError(.invalidRequest, "idempotency_key must be a string") }
        return SubmitJobBody(
            kind: kind, payload: try JSONSerialization.data(withJSONObject: payload), idempotencyKey: key as? String)
    }
}
