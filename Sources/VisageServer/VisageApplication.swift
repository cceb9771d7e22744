import Hummingbird
import Logging

/// Builds the HTTP application: routes, middleware, address. `visage serve` runs it; tests drive
/// it with HummingbirdTesting.
public enum VisageApplication {
    /// The application over loaded services. `allowedOrigins`: CORS origins (`ALLOWED_ORIGINS`);
    /// empty sends no CORS headers.
    public static func build(services: ServerServices, host: String = "127.0.0.1", port: Int = 8000,
                             allowedOrigins: String? = nil,
                             logger: Logger = Logger(label: "visage")) -> some ApplicationProtocol {
        Application(router: router(services: services, allowedOrigins: allowedOrigins),
                    configuration: .init(address: .hostname(host, port: port), serverName: "Visage"), logger: logger)
    }

    /// An application that listens at once and serves `/health` (status `loading`) while the
    /// caller loads the models; `startup.finish(with:)` switches it to the full API.
    public static func buildStarting(host: String = "127.0.0.1", port: Int = 8000, allowedOrigins: String? = nil,
                                     logger: Logger = Logger(label: "visage")) -> (app: some ApplicationProtocol, startup: ServerStartup) {
        let startup = ServerStartup(allowedOrigins: allowedOrigins)
        let app = Application(responder: startup, configuration: .init(address: .hostname(host, port: port), serverName: "Visage"),
                              logger: logger)
        return (app, startup)
    }

    /// Every route over `services`.
    static func router(services: ServerServices, allowedOrigins: String?) -> Router<VisageRequestContext> {
        router(allowedOrigins: allowedOrigins) { router in
            router.get("health") { _, _ in HealthResponse(services: services) }
            let detect = DetectRoute(services: services)
            router.post("faces/detect") { request, context in try await detect.handle(request, context: context) }
            PeopleRoutes(services: services).register(on: router)
            FaceDatabaseRoutes(services: services).register(on: router)
            router.get("ready") { _, _ in ReadyResponse(services: services) }
            let extract = ExtractRoute(services: services)
            router.post("extract-faces") { request, context in try await extract.handle(request, context: context) }
            router.get("openapi.json") { _, _ in OpenAPIDocument.response() }
        }
    }

    /// A router with the middleware every response goes through (CORS, request ids and errors),
    /// and the routes `register` adds.
    static func router(allowedOrigins: String?, _ register: (Router<VisageRequestContext>) -> Void) -> Router<VisageRequestContext> {
        let router = Router(context: VisageRequestContext.self)
        if let cors = CORSPolicy.fromEnvironment(allowedOrigins) { router.add(middleware: cors) }
        router.add(middleware: ErrorMiddleware())
        register(router)
        return router
    }
}
