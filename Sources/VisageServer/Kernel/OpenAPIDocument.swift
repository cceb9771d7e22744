import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.json`. Kept as a
/// resource file (Resources/openapi.json) so it is reviewed as the document clients read; a
/// test checks that every route the router serves is in it.
enum OpenAPIDocument {
    static let json: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else {
            return Data(#"{"openapi":"3.1.0","info":{"title":"Visage","version":"unknown"},"paths":{}}"#.utf8)
        }
        return data
    }()
}

extension OpenAPIDocument {
    static func response() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
