import Hummingbird
import Logging

/// Builds the HTTP application: routes, middleware, address. `visage serve` runs it; tests drive
/// it with HummingbirdTesting.
public enum VisageApplication {
    /// `allowedOrigins`: CORS origins (`ALLOWED_ORIGINS`); empty sends no CORS headers.
    public static func build(services: ServerServices, host: String = "127.0.0.1", port: Int = 8000,
                             allowedOrigins: String? = nil,
                             logger: Logger = Logger(label: "visage")) -> some ApplicationProtocol {
        let router = Router(context: VisageRequestContext.self)
        if let cors = CORSPolicy.fromEnvironment(allowedOrigins) { router.add(middleware: cors) }
        router.add(middleware: ErrorMiddleware())
        router.get("health") { _, _ in HealthResponse(services: services) }
        let detect = DetectRoute(services: services)
        router.post("faces/detect") { request, context in try await detect.handle(request, context: context) }
        PeopleRoutes(services: services).register(on: router)
        FaceDatabaseRoutes(services: services).register(on: router)
        router.get("ready") { _, _ in ReadyResponse(services: services) }
        let extract = ExtractRoute(services: services)
        router.post("extract-faces") { request, context in try await extract.handle(request, context: context) }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Visage"),
                           logger: logger)
    }
}
