import Foundation
import Hummingbird
import VisageCore
import VisageImageSearch
import VisageInput
import VisageStorage

/// Seed 000's image search: `POST /images/encode` stores an image's CLIP embedding under its
/// `image_id`; `POST /search` finds encoded images by a sentence, `POST /search/similar` by an
/// example. Without a CLIP model every route answers 503 `model_not_installed`, naming what to
/// fetch.
struct ImageSearchRoutes: FeatureRoutes {
    let search: ImageSearchService
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("images/encode") { request, _ in try await encode(request) }
        routes.post("search") { request, context in try await searchText(request, context) }
        routes.post("search/similar") { request, _ in try await searchSimilar(request) }
        return routes
    }

    private var modelsUsed: [String: String] {
        search.modelName.map { ["image_encoding": $0] } ?? [:]
    }

    private func encode(_ request: Request) async throws -> Response {
        let body = try await images.read(EncodeImageBody.self, from: request)
        _ = try search.encoder.get()  // before the image is fetched: no work for nothing
        let search = search
        let result = try await images.withDecoded(body.image, on: executor) { decoded in
            let stored = try search.encode(imageID: body.imageID, imagePath: body.imagePath, image: decoded.image)
            return (stored.embedding.vector.count, stored.replaced)
        }
        return try Response.json(
            EncodeImagePayload(imageID: body.imageID, imagePath: body.imagePath, dimensions: result.0, replaced: result.1, modelsUsed: modelsUsed))
    }

    private func searchText(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(TextSearchBody.self, context: context)
        let search = search
        let found = try await executor.run { try search.search(text: body.query, limit: body.limit, minScore: body.minScore) }
        return try Response.json(TextSearchPayload(query: body.query, results: found.map(ImageMatchPayload.init), modelsUsed: modelsUsed))
    }

    private func searchSimilar(_ request: Request) async throws -> Response {
        let body = try await images.read(SimilarSearchBody.self, from: request)
        let search = search
        let found: [ImageMatch]
        if let image = body.image, try await !isEncoded(body.imageID) {
            _ = try search.encoder.get()
            found = try await images.withDecoded(image, on: executor) { decoded in
                try search.similar(to: decoded.image, excluding: body.imageID, limit: body.limit, minScore: body.minScore)
            }
        } else {
            // No image sent, or its id already encoded: the body guarantees an id then.
            let imageID = body.imageID ?? ""
            found = try await executor.run { try search.similar(toStored: imageID, limit: body.limit, minScore: body.minScore) }
        }
        return try Response.json(SimilarSearchPayload(imageID: body.imageID, results: found.map(ImageMatchPayload.init), modelsUsed: modelsUsed))
    }

    /// Whether the example's id names an encoded image (whose stored embedding is used).
    private func isEncoded(_ imageID: String?) async throws -> Bool {
        guard let imageID else { return false }
        let search = search
        return try await executor.run { try search.isEncoded(imageID) }
    }
}
