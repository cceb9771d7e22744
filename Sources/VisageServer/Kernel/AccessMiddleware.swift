import Foundation
import HTTPTypes
import Hummingbird
import VisageAccess
import VisageCore

/// The API-key check of a route group: finds the key (`Authorization: Bearer` or `X-API-Key`),
/// or else the web UI's session cookie, authenticates it, and checks the scope `RouteScopes`
/// lists for the matched route. Group middleware runs after routing, so `context.endpointPath`
/// names the route, not the raw path. A key is never logged and never read from the URL.
///
/// A request authenticated by the cookie alone must also carry the session's `X-CSRF-Token`
/// unless it is a GET or HEAD: the cookie is SameSite=Strict already, and the token closes what
/// that leaves (an old browser, a same-site page on another port).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext
    let control: AccessControl
    let style: ErrorBodyStyle

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let access = RouteScopes.access(method: request.method, endpointPath: context.endpointPath) else {
            throw VisageError(.forbiddenScope, "no scope is declared for this route, so no key may call it")
        }
        guard case .scope(let scope) = access else { return try await next(request, context) }
        let presented: String?
        switch Self.presentedKey(request.headers) {
        case .success(let key): presented = key
        case .failure(let error): return unauthorized(error.message, context: context)
        }
        guard let presented else {
            if let cookie = SessionCookie.value(in: request.headers), control.sessions != nil {
                do {
                    let session = try await control.authenticate(cookie: cookie)
                    return try await nextWithSession(session, scope: scope, request: request, context: context, next: next)
                } catch let error as VisageError where error.errorCode == .unauthorized {
                    // A stale cookie on a server that is open without keys is no reason to refuse.
                    if try await control.allowsAnonymous() { return try await next(request, context) }
                    return unauthorized(error.message, context: context)
                }
            }
            if try await control.allowsAnonymous() { return try await next(request, context) }
            return unauthorized(
                "this route needs an API key with scope \(scope): send Authorization: Bearer <key> or X-API-Key: <key>",
                context: context)
        }
        let key: AuthenticatedKey
        do {
            key = try await control.authenticate(presented)
        } catch let error as VisageError where error.errorCode == .unauthorized {
            return unauthorized(error.message, context: context)
        }
        guard key.scopes.allows(scope) else {
            throw VisageError(.forbiddenScope, "this route needs scope \(scope); key \(key.id) has \(key.scopes.names.joined(separator: ", "))")
        }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    private func nextWithSession(
        _ session: AuthenticatedSession, scope: Scope, request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method != .get, request.method != .head {
            let tokens = request.headers[values: Self.csrfHeader]
            guard tokens.count == 1, SessionService.csrfMatches(tokens[0], session: session) else {
                throw VisageError(.csrfFailed, "a request made with the web UI's session must carry its X-CSRF-Token header (from GET /ui/session)")
            }
        }
        guard session.key.scopes.allows(scope) else {
            throw VisageError(
                .forbiddenScope,
                "this route needs scope \(scope); the session's key \(session.key.id) has \(session.key.scopes.names.joined(separator: ", "))")
        }
        var context = context
        context.apiKey = session.key
        return try await next(request, context)
    }

    /// The 401, with the challenge RFC 6750 asks for.
    private func unauthorized(_ message: String, context: Context) -> Response {
        var response = style.response(code: .unauthorized, status: .unauthorized, message: message, requestID: context.requestID)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    /// The key the request carries, nil if none; an error for a malformed or ambiguous one
    /// (another auth scheme, two headers that disagree).
    static func presentedKey(_ headers: HTTPFields) -> Result<String?, VisageError> {
        let authorizations = headers[values: .authorization], apiKeys = headers[values: apiKeyHeader]
        guard authorizations.count <= 1, apiKeys.count <= 1 else {
            return .failure(VisageError(.unauthorized, "send one API key, in one header"))
        }
        var bearer: String?
        if let authorization = authorizations.first {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                return .failure(VisageError(.unauthorized, "the Authorization header must read \"Bearer <key>\""))
            }
            bearer = parts[1].trimmingCharacters(in: .whitespaces)
        }
        let header = apiKeys.first?.trimmingCharacters(in: .whitespaces)
        if let bearer, let header, bearer != header {
            return .failure(VisageError(.unauthorized, "Authorization and X-API-Key carry different keys"))
        }
        return .success(bearer ?? header)
    }
}
