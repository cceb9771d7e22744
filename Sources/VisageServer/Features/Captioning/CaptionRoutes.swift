import Foundation
import Hummingbird
import VisageCaptioning
import VisageCore
import VisageTasks

/// Seed 000's `POST /images/caption`: a description of the whole image by the task API's
/// captioner (`TaskModels.captioner`). Nothing is stored. Without a captioner installed the route
/// answers 503 `model_not_installed` with the sentence that names what to download.
struct CaptionRoutes: FeatureRoutes {
    let captioner: TaskModelSlot<ImageCaptioner>
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("images/caption") { request, _ in
            let body = try await images.read(CaptionBody.self, from: request)
            guard let captioner = captioner.model else {
                throw VisageError(.modelNotInstalled, Self.missingMessage(captioner))
            }
            let described = try await images.withDecoded(body.image, on: executor) { decoded in
                try captioner.describe(decoded.image)
            }
            return try Response.json(
                CaptionPayload(imageID: body.imageID, imagePath: body.imagePath, description: described.description, modelName: described.modelName))
        }
        return routes
    }

    private static func missingMessage(_ slot: TaskModelSlot<ImageCaptioner>) -> String {
        if case .missing(let why) = slot { return "image captioning is not available: \(why)" }
        return "image captioning is not available"
    }
}
