import Foundation
import HTTPTypes
import Hummingbird
import VisageWebUI

/// The web UI's pages: `/` sends the browser to `/ui`, which is one page whose script routes by
/// the URL's fragment, and `/ui/assets/{file}` its script, styles and icon. They hold no library
/// data, so they need no key; everything they show comes from the API, under the session's scopes.
struct WebUIRoutes: FeatureRoutes {
    let assets: WebUIAssets

    /// Scripts and styles only from this server, no inline script, no framing, images from here or
    /// from the page's own uploads (blob: previews of a search photo).
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.get("/") { _, _ in
            Response(status: .seeOther, headers: [.location: "/ui"])
        }
        routes.get("ui") { request, _ in serve(assets.index, request) }
        routes.get("ui/assets/:file") { request, context in
            let name = try context.parameters.require("file")
            guard let asset = assets.asset(named: name) else {
                throw HTTPError(.notFound, message: "the web UI has no file \(name.prefix(64))")
            }
            return serve(asset, request)
        }
        return routes
    }

    /// The asset with its ETag, or 304 when the browser has it. The page itself is revalidated on
    /// every load (`no-cache`), so an upgraded server is seen at once; its script and styles too,
    /// which costs one 304 each.
    private func serve(_ asset: WebUIAsset, _ request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "no-cache",
            .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        if asset.name == WebUIAssets.indexName {
            headers[HTTPField.Name("Content-Security-Policy")!] = Self.contentSecurityPolicy
            headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        }
        if request.headers[values: .ifNoneMatch].contains(where: { ReviewRoutes.matches($0, asset.etag) }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
