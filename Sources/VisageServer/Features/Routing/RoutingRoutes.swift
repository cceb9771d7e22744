import Foundation
import Hummingbird
import VisageCore
import VisageRouting
import VisageStorage

/// Seed 003's settings and routing over HTTP: read and change the face-recognition settings
/// (stored in the database, taking effect at once), and route a file from the inbox.
struct RoutingRoutes: FeatureRoutes {
    let router: MediaRouter
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        let router = router
        routes.get("api/settings/face-recognition") { _, _ in
            try Response.json(RoutingSettingsPayload(settings: try await executor.run { try router.store.routingSettings() }))
        }
        routes.put("api/settings/face-recognition") { request, context in
            let body = try await request.decodeJSON(RoutingSettingsBody.self, context: context)
            let actor = context.apiKey?.id
            let saved = try await executor.run {
                let settings = try RoutingSettingsRules.validated(try body.applied(to: try router.store.routingSettings()))
                try router.store.saveRoutingSettings(settings, actor: actor)
                return settings
            }
            return try Response.json(RoutingSettingsPayload(settings: saved))
        }
        routes.post("media/route") { request, context in
            let body = try await request.decodeJSON(RouteBody.self, context: context)
            let path = try TextField.checked(body.filePath, field: "file_path", maxLength: TextField.maxFileLength)
            let actor = context.apiKey?.id
            let outcome = try await executor.run { try router.route(path, actor: actor) }
            return try Response.json(RouteOutcomePayload(outcome: outcome, filePath: path))
        }
        return routes
    }
}

struct RouteBody: Decodable {
    let filePath: String

    enum CodingKeys: String, CodingKey { case filePath = "file_path" }
}
