import Foundation
import Hummingbird
import VisageCore
import VisageFaces
import VisageImaging

/// `POST /faces/detect`: faces of one server-side image, without storing anything. Request:
/// `{"image_path": "...", "embeddings": false}`. Response: the `visage analyze --json` object.
struct DetectRequest: Decodable {
    let imagePath: String
    let embeddings: Bool?

    enum CodingKeys: String, CodingKey {
        case imagePath = "image_path"
        case embeddings
    }
}

struct DetectRoute {
    let services: ServerServices

    func handle(_ request: Request, context: VisageRequestContext) async throws -> Response {
        let body: DetectRequest
        do {
            body = try await request.decode(as: DetectRequest.self, context: context)
        } catch {
            throw VisageError.invalidJSON(error)
        }
        let services = services
        // Decoding and inference block a thread for tens of milliseconds: keep them off the
        // cooperative pool that serves requests.
        let json = try await services.runBlocking {
            let decoded = try services.decoder.decode(.file(body.imagePath), maxSide: services.maxSide)
            let faces = try services.analyzer.analyze(decoded, options: AnalysisOptions(embeddings: body.embeddings ?? false))
            return try ImageAnalysisPayload(path: body.imagePath, decoded: decoded, faces: faces,
                                            modelsUsed: services.analyzer.modelsUsed).jsonData()
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
