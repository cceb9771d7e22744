import HTTPTypes
import Hummingbird

/// CORS for browser callers, from `ALLOWED_ORIGINS` (comma-separated; `*` for any origin; unset:
/// no CORS headers, so browsers on other origins are refused). Preflight `OPTIONS` requests from
/// an allowed origin are answered here with 204.
struct CORSPolicy: RouterMiddleware {
    typealias Context = VisageRequestContext
    let allowedOrigins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], let allowed = allowedOrigin(origin) else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Content-Type, X-Request-ID"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
            response.headers[.accessControlExposeHeaders] = "X-Request-ID"
        }
        response.headers[.accessControlAllowOrigin] = allowed
        if allowed != "*" { response.headers[.vary] = "Origin" }
        return response
    }

    private func allowedOrigin(_ origin: String) -> String? {
        if allowedOrigins.contains("*") { return "*" }
        return allowedOrigins.contains(origin) ? origin : nil
    }

    static func fromEnvironment(_ value: String?) -> CORSPolicy? {
        let origins = (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return origins.isEmpty ? nil : CORSPolicy(allowedOrigins: origins)
    }
}
