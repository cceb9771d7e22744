import Foundation
import Hummingbird
import VisageCore
import VisageFaces

/// `POST /faces/detect`: faces of one image, without storing anything. The image comes as any
/// `ImageField` reads it (`image_path`, `image_url`, `image_base64` or an upload); `embeddings`
/// (default false) adds each face's embedding. Response: the `visage analyze --json` object,
/// whose `path` names the input (a URL without its query, an upload's filename).
struct DetectionRoutes: FeatureRoutes {
    let analyzer: FaceAnalyzer
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("faces/detect") { request, _ in try await detect(request) }
        return routes
    }

    private func detect(_ request: Request) async throws -> Response {
        let body = try await images.read(DetectBody.self, from: request)
        let input = body.image, embeddings = body.embeddings
        let analyzer = analyzer
        let json = try await images.withDecoded(input, on: executor) { decoded in
            let faces = try analyzer.analyze(decoded, options: AnalysisOptions(embeddings: embeddings))
            return try ImageAnalysisPayload(
                path: input.displayName, decoded: decoded, faces: faces,
                modelsUsed: analyzer.modelsUsed
            ).jsonData()
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
