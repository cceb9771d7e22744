import Hummingbird
import Logging

/// Builds the HTTP application: the kernel's middleware, then each feature's routes mounted under
/// a group. `visage serve` runs it; tests drive it with HummingbirdTesting.
public enum VisageApplication {
    /// The application over loaded services. `allowedOrigins`: CORS origins (`ALLOWED_ORIGINS`);
    /// empty sends no CORS headers.
    public static func build(
        services: ServerServices, host: String = "127.0.0.1", port: Int = 8000,
        allowedOrigins: String? = nil,
        logger: Logger = Logger(label: "visage")
    ) -> some ApplicationProtocol {
        Application(
            router: router(services: services, allowedOrigins: allowedOrigins),
            configuration: .init(address: .hostname(host, port: port), serverName: "Visage"), logger: logger)
    }

    /// An application that listens at once and serves `/health` (status `loading`) while the
    /// caller loads the models; `startup.finish(with:)` switches it to the full API.
    public static func buildStarting(
        host: String = "127.0.0.1", port: Int = 8000, allowedOrigins: String? = nil,
        logger: Logger = Logger(label: "visage")
    ) -> (app: some ApplicationProtocol, startup: ServerStartup) {
        let startup = ServerStartup(allowedOrigins: allowedOrigins)
        let app = Application(
            responder: startup, configuration: .init(address: .hostname(host, port: port), serverName: "Visage"),
            logger: logger)
        return (app, startup)
    }

    /// Every feature's routes over `services`. Seed 004's route and seed 001's
    /// answer errors in their own shapes.
    static func router(services: ServerServices, allowedOrigins: String?) -> Router<VisageRequestContext> {
        router(allowedOrigins: allowedOrigins) { router in
            router.add(middleware: DeadlineMiddleware(seconds: services.extraction.requestTimeout))
            let access = services.access
            router.mount(services.healthRoutes, access: access)
            router.mount(services.detectionRoutes, access: access)
            router.mount(services.peopleRoutes, access: access)
            router.mount(services.faceDatabaseRoutes, at: "facedb", access: access)
            router.mount(services.extractionRoutes, errors: .seed004, access: access)
            router.mount(services.referenceRoutes, access: access)
            router.mount(services.routingRoutes, access: access)
            router.mount(services.reviewRoutes, access: access)
            router.mount(services.statusRoutes, access: access)
            router.mount(services.taskRoutes, errors: .detail, access: access)
            router.mount(services.imageSearchRoutes, access: access)
            router.mount(services.captionRoutes, access: access)
            router.mount(services.analyzeRoutes, access: access)
            router.mount(services.classifierRoutes, access: access)
            router.mount(JobRoutes(queue: services.jobs), access: access)
            router.mount(services.keyRoutes, access: access)
            router.mount(services.metricsRoutes, access: access)
            router.mount(SessionRoutes(access: access), access: access)
            if let webUI = services.webUIRoutes { router.mount(webUI, access: access) }
            router.get("openapi.json") { _, _ in OpenAPIDocument.response() }
        }
    }

    /// A router with the middleware every response goes through, outermost first: CORS, request
    /// ids, the access log, and error mapping for what no group maps (unknown routes, startup);
    /// then the routes `register` adds, recorded so that a known path with another method
    /// answers 405 with `Allow` instead of the router's 404.
    static func router(allowedOrigins: String?, _ register: (RouteRecorder) -> Void) -> Router<VisageRequestContext> {
        let router = Router(context: VisageRequestContext.self)
        if let cors = CORSPolicy.fromEnvironment(allowedOrigins) { router.add(middleware: cors) }
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        // Requests by route, method and status, with latency, to swift-metrics (`GET /metrics`).
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware(style: .standard))
        let recorder = RouteRecorder(router)
        register(recorder)
        // Last: it applies to no route, only to the router's not-found responder.
        router.add(middleware: MethodNotAllowedMiddleware(table: recorder.table))
        return router
    }
}
