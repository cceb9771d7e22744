import Foundation
import Hummingbird
import VisageCaptioning
import VisageCore
import VisageImageSearch
import VisageImaging
import VisageRecognition
import VisageStorage
import VisageTasks

/// Seed 000's `POST /analyze`: `/faces/recognize`, `/images/caption` and `/images/encode` on one
/// image in one call. The request is recognise's (`image_id`, `image_path`, `orientation`,
/// `xmp_regions`, `save_annotated`); the file is read and decoded once and every part works on
/// the same pixels. Recognition always runs; a part whose model is not installed (the captioner,
/// CLIP) is null in the answer and `skipped` says why, so a server with only the face models
/// still answers, as the seed's service falls back without its optional models.
struct AnalyzeRoutes: FeatureRoutes {
    let recognition: RecognitionService
    let captioner: TaskModelSlot<ImageCaptioner>
    let search: ImageSearchService
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("analyze") { request, context in try await analyze(request, context) }
        return routes
    }

    private func analyze(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RecognizeBody.self, context: context)
        let orientation = try body.requiredOrientation()
        let loaded = try await images.load(.path(body.imagePath))
        let recognizeRequest = try body.request(orientation: orientation)
        let (recognition, captioner, search, images) = (recognition, captioner, search, images)
        let analysis = try await executor.run {
            var request = recognizeRequest
            let decoded = try images.decode(loaded)
            request.image = decoded
            var analysis = CombinedAnalysis(recognized: try recognition.recognize(request))
            // The faces are stored by now: a later part that fails is reported, not the request.
            analysis.caption = Self.part("image_caption", into: &analysis.skipped) {
                guard let model = captioner.model else { throw VisageError(.modelNotInstalled, Self.reason(captioner)) }
                return try model.describe(decoded.image)
            }
            analysis.encoded = Self.part("image_encode", into: &analysis.skipped) {
                try search.encode(imageID: body.imageID, imagePath: body.imagePath, image: decoded.image)
            }
            return analysis
        }
        return try Response.json(AnalyzePayload(analysis: analysis))
    }

    /// The part's result, or nil with its reason in `skipped`.
    private static func part<T>(_ name: String, into skipped: inout [String: String], _ work: () throws -> T) -> T? {
        do {
            return try work()
        } catch let error as VisageError {
            skipped[name] = "\(error.code): \(error.message)"
        } catch {
            skipped[name] = "\(ErrorCode.internalError.rawValue): \(error)"
        }
        return nil
    }

    private static func reason(_ slot: TaskModelSlot<ImageCaptioner>) -> String {
        if case .missing(let why) = slot { return why }
        return "no image-captioning model is installed"
    }
}

/// What the three parts of one `/analyze` call produced.
struct CombinedAnalysis: Sendable {
    let recognized: RecognitionResult
    var caption: (description: String, modelName: String)?
    var encoded: (embedding: ImageEmbedding, replaced: Bool)?
    var skipped: [String: String] = [:]
}
