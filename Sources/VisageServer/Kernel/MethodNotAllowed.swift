import Hummingbird
import VisageCore

/// Records every route as it is registered, so that a request whose path exists but whose method
/// does not can be told which methods the path has. Hummingbird's router keeps its routes in a
/// trie it does not expose and answers both cases with the same 404; registering through this
/// wrapper (groups and route collections included: they register through their parent) keeps
/// a table beside it.
final class RouteRecorder: RouterMethods {
    typealias Context = VisageRequestContext
    let router: Router<VisageRequestContext>
    private(set) var table = RouteTable()

    init(_ router: Router<VisageRequestContext>) {
        self.router = router
    }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        table.add(path, method: method)
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}

/// The registered paths and the methods of each.
struct RouteTable: Sendable {
    private var routes: [(path: RouterPath, methods: Set<HTTPRequest.Method>)] = []

    mutating func add(_ path: RouterPath, method: HTTPRequest.Method) {
        if let index = routes.firstIndex(where: { $0.path == path }) {
            routes[index].methods.insert(method)
        } else {
            routes.append((path, [method]))
        }
    }

    /// The methods of the route the router resolves `path` to (sorted, for a stable `Allow`);
    /// empty when no route has this path. Like Hummingbird's trie, a literal segment wins over a
    /// capture, so `/faces/detect` is the POST route, never `DELETE /faces/{face_id}`.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matches = routes.compactMap { route in Self.literals(route.path, segments).map { (route.methods, $0) } }
        guard let best = matches.max(by: { $0.1.lexicographicallyPrecedes($1.1) }) else { return [] }
        // No HEAD for GET routes: the router does not answer HEAD (no `autoGenerateHeadEndpoints`).
        return best.0.sorted { $0.rawValue < $1.rawValue }
    }

    /// For a route that matches, which of its segments are literal (1) rather than captures (0);
    /// nil when it does not match. Only the fixed-length paths the API uses are compared.
    private static func literals(_ path: RouterPath, _ segments: [Substring]) -> [Int]? {
        guard path.components.count == segments.count,
            zip(path.components, segments).allSatisfy({ element, segment in element ~= segment })
        else { return nil }
        return zip(path.components, segments).map { element, segment in element == segment ? 1 : 0 }
    }
}

/// Turns the router's 404 for a known path into 405 `method_not_allowed` with an `Allow` header
/// (RFC 9110 §15.5.6). Added after the routes, so it wraps only the router's not-found responder:
/// a handler's own 404 (`face_not_found`) is never rewritten.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            throw HTTPError(
                .methodNotAllowed, headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")],
                message: "\(request.method.rawValue) is not allowed on \(request.uri.path); allowed: "
                    + allowed.map(\.rawValue).joined(separator: ", "))
        }
    }
}
