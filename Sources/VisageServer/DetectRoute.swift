import Foundation
import Hummingbird
import VisageCore
import VisageFaces
import VisageImaging
import VisageInput

/// `POST /faces/detect`: faces of one image, without storing anything. The image comes as any
/// `ImageRequest` takes it (`image_path`, `image_url`, `image_base64` or an upload); `embeddings`
/// (default false) adds each face's embedding. Response: the `visage analyze --json` object,
/// whose `path` names the input (a URL without its query, an upload's filename).
struct DetectRoute {
    let services: ServerServices

    func handle(_ request: Request, context: VisageRequestContext) async throws -> Response {
        let form = try await ImageRequest.read(request, maxBytes: services.extraction.maxRequestBytes)
        let input = try form.image()
        let embeddings = try form.bool("embeddings") ?? false
        let loaded = try await services.fetcher.load(input)
        let services = services
        // Decoding and inference block a thread for tens of milliseconds: keep them off the
        // cooperative pool that serves requests.
        let json = try await services.runBlocking {
            let decoded = try services.fetcher.decode(loaded, decoder: services.decoder, maxSide: services.maxSide)
            let faces = try services.analyzer.analyze(decoded, options: AnalysisOptions(embeddings: embeddings))
            return try ImageAnalysisPayload(path: input.displayName, decoded: decoded, faces: faces,
                                            modelsUsed: services.analyzer.modelsUsed).jsonData()
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
