import Foundation
import Hummingbird
import VisageAccess
import VisageCore

/// API keys over HTTP: create, list, revoke. Every route needs `admin` (see `RouteScopes`), and
/// a key can only create or revoke keys within its own scopes. On a loopback server that has no
/// key yet the routes are open, so the first key can be made without the CLI; the machine's own
/// users can open the database file anyway.
struct KeyRoutes: FeatureRoutes {
    let keys: KeyService

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("keys") { request, context in
            let body = try await request.decodeJSON(CreateKeyBody.self, context: context)
            let scopes = try Set<Scope>(parsing: body.scopes)
            let creator = context.apiKey?.scopes
            let created = try await offloaded { try self.keys.create(name: body.name, scopes: scopes, creator: creator) }
            return try Response.json(KeyPayload(created.info, key: created.key))
        }
        routes.get("keys") { _, _ in
            return try Response.json(KeyListPayload(keys: try await offloaded { try self.keys.list() }.map { KeyPayload($0) }))
        }
        routes.delete("keys/:key_id") { _, context in
            let id = try context.pathParameter("key_id")
            let revoker = context.apiKey?.scopes
            return try Response.json(KeyPayload(try await offloaded { try self.keys.revoke(id: id, revoker: revoker) }))
        }
        return routes
    }
}

struct CreateKeyBody: Decodable {
    let name: String
    let scopes: [String]
}

/// A key as the API and `visage keys` print it. `key` (the secret) only in the answer that
/// created it; dates in ISO 8601, absent when unset.
public struct KeyPayload: Encodable, Sendable {
    public let id: String
    public let name: String
    public let scopes: [String]
    public let createdAt: String
    public let lastUsedAt: String?
    public let revokedAt: String?
    public let key: String?

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, key
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    public init(_ info: KeyInfo, key: String? = nil) {
        let format = Date.ISO8601FormatStyle()
        (id, name, scopes) = (info.id, info.name, info.scopes.names)
        createdAt = info.createdAt.formatted(format)
        lastUsedAt = info.lastUsedAt?.formatted(format)
        revokedAt = info.revokedAt?.formatted(format)
        self.key = key
    }
}

struct KeyListPayload: Encodable {
    let keys: [KeyPayload]
}
