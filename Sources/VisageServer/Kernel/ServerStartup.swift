import Foundation
import Hummingbird
import VisageCore

/// Lets `visage serve` listen before its models and indexes are loaded, as orchestrators expect:
/// while loading, `GET /health` answers 200 with `"status": "loading"` (the process is alive)
/// and `GET /ready` and every other route answer 503 `models_not_ready`; once `finish(with:)`
/// is called, requests go to the full application. Loading a large pack or rebuilding the index
/// of a million faces takes seconds, and a closed port would look like a dead process.
public final class ServerStartup: HTTPResponder, @unchecked Sendable {
    // @unchecked: `current` is only read and written under `lock`.
    public typealias Context = VisageRequestContext
    private let lock = NSLock()
    private var current: RouterResponder<VisageRequestContext>
    private let allowedOrigins: String?

    init(allowedOrigins: String?) {
        self.allowedOrigins = allowedOrigins
        current = VisageApplication.router(allowedOrigins: allowedOrigins) { router in
            router.add(middleware: NotReadyMiddleware())
            router.get("health") { _, _ in LoadingResponse() }
            router.get("openapi.json") { _, _ in OpenAPIDocument.response() }
        }.buildResponder()
    }

    /// Switches every later request to the full application over `services`.
    public func finish(with services: ServerServices) {
        let responder = VisageApplication.router(services: services, allowedOrigins: allowedOrigins).buildResponder()
        lock.withLock { current = responder }
    }

    public func respond(to request: Request, context: VisageRequestContext) async throws -> Response {
        try await lock.withLock { current }.respond(to: request, context: context)
    }
}

/// While loading, every route but `/health` and `/openapi.json` (`/ready` included) is 503
/// `models_not_ready`: it exists, it just can't answer yet.
struct NotReadyMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, ["/health", "/openapi.json"].contains(request.uri.path) else {
            throw VisageError(.modelsNotReady, "the models are still loading; retry when GET /ready answers 200")
        }
        return try await next(request, context)
    }
}

/// `GET /health` while loading.
struct LoadingResponse: ResponseEncodable {
    let status = "loading"
    let timestamp = ServiceTimestamp.now()
    let version = ServerServices.visageVersion
}
