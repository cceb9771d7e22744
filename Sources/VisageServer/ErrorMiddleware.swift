import Foundation
import HTTPTypes
import Hummingbird
import Logging
import VisageCore

/// Gives every request an id, logs it with its timing, and turns thrown errors into the JSON
/// error body with a stable code (4xx for caller mistakes, 5xx for ours).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.response(for: error, requestID: context.requestID)
        }
        response.headers[.requestID] = context.requestID
        let elapsed = ContinuousClock.now - start
        context.logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(elapsed)",
                            metadata: ["request_id": .string(context.requestID)])
        return response
    }

    static func response(for error: Error, requestID: String) -> Response {
        let visage: VisageError
        let status: HTTPResponse.Status
        switch error {
        case let error as VisageError:
            visage = error
            status = APIErrorStatus.status(for: error.code)
        case let error as HTTPError:
            visage = VisageError(error.status == .notFound ? "not_found" : "http_error", error.body ?? error.status.reasonPhrase)
            status = error.status
        default:
            visage = VisageError("internal_error", "\(error)")
            status = .internalServerError
        }
        let body = APIErrorBody(error: .init(code: visage.code, message: visage.message), requestID: requestID)
        let data = (try? body.jsonData()) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}
