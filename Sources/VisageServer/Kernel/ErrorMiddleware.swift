import Hummingbird
import Logging
import VisageCore

/// Turns what a handler throws into an error response in the group's `style`; nothing else.
/// The status comes from the error's `ErrorCode`. Errors that are not `VisageError`s are our own
/// bugs: the client gets 500 `internal_error` and a generic sentence, and the description goes to
/// the log with the request id, so internals (paths, SQL, types) never leave the server.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext
    let style: ErrorBodyStyle

    init(style: ErrorBodyStyle = .standard) {
        self.style = style
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return response(for: error, context: context)
        }
    }

    func response(for error: Error, context: Context) -> Response {
        let code: ErrorCode, status: HTTPResponse.Status, message: String
        var headers = HTTPFields()
        switch error {
        case let error as VisageError:
            (code, status, message) = (error.errorCode, HTTPResponse.Status(code: error.status), error.message)
        case let error as HTTPError:
            // Raised by Hummingbird itself (no route, a malformed request): its status stands.
            // Its headers (`Allow` on a 405) go out with the body.
            switch error.status {
            case .notFound: code = .notFound
            case .methodNotAllowed: code = .methodNotAllowed
            default: code = .httpError
            }
            (status, message, headers) = (error.status, error.body ?? error.status.reasonPhrase, error.headers)
        default:
            context.logger.error("internal error: \(String(reflecting: error))", metadata: ["request_id": .string(context.requestID)])
            (code, status) = (.internalError, .internalServerError)
            message = Self.internalMessage(requestID: context.requestID)
        }
        var response = style.response(code: code, status: status, message: message, requestID: context.requestID)
        response.headers.append(contentsOf: headers)
        // 503s (loading, busy) pass soon: tell clients when to come back rather than let them spin.
        if status == .serviceUnavailable { response.headers[.retryAfter] = "1" }
        return response
    }

    /// What a client is told about a fault of ours: enough to report it, nothing of its cause.
    static func internalMessage(requestID: String) -> String {
        "an internal error occurred; the server log has the details under request id \(requestID)"
    }
}
