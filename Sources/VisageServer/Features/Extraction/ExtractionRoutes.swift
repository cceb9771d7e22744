import Foundation
import Hummingbird
import VisageCore
import VisageImaging
import VisageInput
import VisageRecognition

/// `POST /extract-faces` (seed 004): unique faces of a batch of images. The seed's JSON body
/// `{"images": [{"image_url": ...} | {"image_base64": ...}], "similarity_threshold", "min_face_size"}`,
/// or `multipart/form-data` with one file part per image and the two numbers as fields. Mounted
/// with seed 004's error body (`ErrorBodyStyle.seed004`).
struct ExtractionRoutes: FeatureRoutes {
    let extractor: FaceExtractor
    let images: ImageLoader
    let executor: BlockingExecutor
    let settings: ExtractionSettings
    /// `similarity_threshold` when the request has none: the settings', else the embedding
    /// model's same-person threshold.
    let defaultSimilarity: Double

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("extract-faces") { request, context in try await extract(request, context) }
        return routes
    }

    private func extract(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await images.read(ExtractBody.self, from: request)
        let inputs = body.inputs
        guard !inputs.isEmpty else { throw VisageError(.invalidRequest, "images must list at least one image") }
        guard inputs.count <= settings.maxImagesPerRequest else {
            throw VisageError(.tooManyImages, "\(inputs.count) images; at most \(settings.maxImagesPerRequest) per request")
        }
        let threshold = body.similarityThreshold ?? defaultSimilarity
        guard (0...1).contains(threshold) else { throw VisageError(.invalidRequest, "similarity_threshold must be from 0 to 1") }
        let minFaceSize = try FieldRules.minFaceSize(body.minFaceSize, default: settings.minFaceSize)

        let images = images, executor = executor, extractor = extractor
        let result = try await RequestTimeout.run(settings.requestTimeout) {
            let loaded = await ExtractionBatch.load(inputs, images: images)
            let loaders: [@Sendable () throws -> DecodedImage] = loaded.map { result in
                { try images.decode(try result.get()) }
            }
            return try await executor.run {
                try extractor.extract(loaders, similarityThreshold: threshold, minFaceSize: minFaceSize)
            }
        }
        let faces = result.faces.map {
            ExtractResponse.Face(
                embedding: $0.embedding, headshotBase64: "data:image/jpeg;base64," + $0.headshotJPEG.base64EncodedString(),
                confidence: FacePayload.rounded($0.confidence, places: 4), faceID: $0.faceID,
                imageIndex: $0.imageIndex, occurrences: $0.occurrences)
        }
        let errors = result.imageErrors.keys.sorted().map { index in
            ExtractResponse.ImageError(index: index, code: result.imageErrors[index]!.code, message: result.imageErrors[index]!.message)
        }
        let milliseconds = (ContinuousClock.now - start).inSeconds * 1000
        return try Response.json(
            ExtractResponse(
                faces: faces, totalFacesDetected: result.totalFacesDetected, uniqueFaces: faces.count,
                imagesProcessed: result.imagesProcessed, errors: errors,
                requestID: context.requestID, processingTimeMs: FacePayload.rounded(milliseconds, places: 1)))
    }
}

/// The images of one extraction request; each stands or fails alone.
enum ExtractionBatch {
    /// Downloads and checks every image concurrently. A failure that is not a `VisageError` is
    /// ours: it is reported as `internal_error` without its description.
    static func load(_ inputs: [Result<ImageInput, VisageError>], images: ImageLoader) async -> [Result<LoadedImage, VisageError>] {
        await withTaskGroup(of: (Int, Result<LoadedImage, VisageError>).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await images.load(try input.get())))
                    } catch {
                        return (index, .failure(error as? VisageError ?? VisageError(.internalError, "the image could not be loaded")))
                    }
                }
            }
            var results = [Result<LoadedImage, VisageError>](repeating: .failure(VisageError(.internalError, "not loaded")), count: inputs.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }
}
