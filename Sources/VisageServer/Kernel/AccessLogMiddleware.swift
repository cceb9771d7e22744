import Hummingbird
import Logging

/// One log line per request: method, path, status and duration, with the request id (set by
/// `RequestIDMiddleware`, which runs first) in the metadata.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(elapsed)",
            metadata: ["request_id": .string(context.requestID)])
        return response
    }
}
