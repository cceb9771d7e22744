import Foundation
import HTTPTypes
import Hummingbird
import VisageAccess
import VisageCore

/// Web UI sign-in: `POST /ui/session` trades an API key for an HttpOnly, SameSite=Strict cookie,
/// `GET /ui/session` tells the page who it is signed in as (and its CSRF token), or that nobody is,
/// `DELETE` signs out. The routes are open in `RouteScopes` because they do their own checks: the key in the
/// body, or the cookie.
struct SessionRoutes: FeatureRoutes {
    let access: AccessControl

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("ui/session") { request, context in
            guard let sessions = access.sessions else { throw VisageError(.unauthorized, "this server has no web UI sessions") }
            let body = try await request.decodeJSON(SignInBody.self, context: context)
            let key = body.apiKey.trimmingCharacters(in: .whitespacesAndNewlines)
            let (session, cookie) = try await offloaded { try sessions.signIn(presentedKey: key) }
            var response = try Response.json(SessionPayload(session))
            response.headers[.setCookie] = SessionCookie.set(
                cookie, maxAge: Int(sessions.lifetime), secure: SessionCookie.isSecure(request.headers))
            response.headers[.cacheControl] = "no-store"
            return response
        }
        routes.get("ui/session") { request, _ in
            if let cookie = SessionCookie.value(in: request.headers), access.sessions != nil {
                do {
                    let session = try await access.authenticate(cookie: cookie)
                    var response = try Response.json(SessionPayload(session))
                    response.headers[.cacheControl] = "no-store"
                    return response
                } catch let error as VisageError where error.errorCode == .unauthorized {
                    // Ended: answered below as not signed in, so the page shows the sign-in form.
                }
            }
            // No keys exist on a server open without them: the page may do everything.
            return try Response.json(try await access.allowsAnonymous() ? SessionPayload.open : SessionPayload.signedOut)
        }
        routes.delete("ui/session") { request, _ in
            if let cookie = SessionCookie.value(in: request.headers), let sessions = access.sessions {
                try await offloaded { try sessions.signOut(cookie: cookie) }
            }
            var response = try Response.json(["signed_in": false])
            response.headers[.setCookie] = SessionCookie.cleared(secure: SessionCookie.isSecure(request.headers))
            return response
        }
        return routes
    }
}

struct SignInBody: Decodable {
    let apiKey: String

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
    }
}

/// Who the page acts as. `open`: the server has no keys and is open without them (loopback), so
/// there is nobody to sign in as and every scope is allowed.
struct SessionPayload: Encodable {
    let signedIn: Bool
    let open: Bool
    let keyID: String?
    let keyName: String?
    let scopes: [String]
    let csrfToken: String?
    let expiresAt: String?

    enum CodingKeys: String, CodingKey {
        case open, scopes
        case signedIn = "signed_in"
        case keyID = "key_id"
        case keyName = "key_name"
        case csrfToken = "csrf_token"
        case expiresAt = "expires_at"
    }

    init(_ session: AuthenticatedSession) {
        (signedIn, open) = (true, false)
        (keyID, keyName) = (session.key.id, session.key.name)
        scopes = session.key.scopes.granted.names
        csrfToken = session.csrfToken
        expiresAt = session.expiresAt.formatted(Date.ISO8601FormatStyle())
    }

    private init(open: Bool) {
        (signedIn, self.open, keyID, keyName, csrfToken, expiresAt) = (false, open, nil, nil, nil, nil)
        scopes = open ? Scope.all.map(\.rawValue) : []
    }

    static let open = SessionPayload(open: true)
    /// Nobody signed in, or the session ended: the page asks for a key.
    static let signedOut = SessionPayload(open: false)
}
