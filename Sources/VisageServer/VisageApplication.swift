import Hummingbird
import Logging

/// Builds the HTTP application: routes, middleware, address. `visage serve` runs it; tests drive
/// it with HummingbirdTesting.
public enum VisageApplication {
    public static func build(services: ServerServices, host: String = "127.0.0.1", port: Int = 8000,
                             logger: Logger = Logger(label: "visage")) -> some ApplicationProtocol {
        let router = Router(context: VisageRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("health") { _, _ in HealthResponse(services: services) }
        let detect = DetectRoute(services: services)
        router.post("faces/detect") { request, context in try await detect.handle(request, context: context) }
        PeopleRoutes(services: services).register(on: router)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Visage"),
                           logger: logger)
    }
}
