import Foundation
import Hummingbird
import VisageCore
import VisageImaging
import VisageInput
import VisageRecognition

/// The seed's response, plus `errors`: the images that could not be used, each with its index
/// in the request and an error code, so one bad image never fails the batch.
struct ExtractResponse: Encodable {
    struct Face: Encodable {
        let embedding: [Float]
        let headshotBase64: String
        let confidence: Double
        let faceID: String
        let imageIndex: Int
        let occurrences: Int

        enum CodingKeys: String, CodingKey {
            case embedding, confidence, occurrences
            case headshotBase64 = "headshot_base64", faceID = "face_id", imageIndex = "image_index"
        }
    }

    struct ImageError: Encodable {
        let index: Int
        let code: String
        let message: String
    }

    let faces: [Face]
    let totalFacesDetected: Int
    let uniqueFaces: Int
    let imagesProcessed: Int
    let errors: [ImageError]
    let requestID: String
    let processingTimeMs: Double

    enum CodingKeys: String, CodingKey {
        case faces, errors
        case totalFacesDetected = "total_faces_detected", uniqueFaces = "unique_faces"
        case imagesProcessed = "images_processed", requestID = "request_id", processingTimeMs = "processing_time_ms"
    }
}

/// `POST /extract-faces` (seed 004): unique faces of a batch of images. The seed's JSON body
/// `{"images": [{"image_url": ...} | {"image_base64": ...}], "similarity_threshold", "min_face_size"}`,
/// or `multipart/form-data` with one file part per image and the two numbers as fields.
struct ExtractRoute {
    let services: ServerServices

    func handle(_ request: Request, context: VisageRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let form = try await ImageRequest.read(request, maxBytes: services.extraction.maxRequestBytes)
        let images = try Self.inputs(form)
        let settings = services.extraction
        guard !images.isEmpty else { throw VisageError("invalid_request", "images must list at least one image") }
        guard images.count <= settings.maxImagesPerRequest else {
            throw VisageError("too_many_images", "\(images.count) images; at most \(settings.maxImagesPerRequest) per request")
        }
        let threshold = try form.double("similarity_threshold") ?? settings.similarityThreshold
        guard (0...1).contains(threshold) else { throw VisageError("invalid_request", "similarity_threshold must be from 0 to 1") }
        let minFaceSize = try form.double("min_face_size") ?? settings.minFaceSize
        guard minFaceSize >= 0, minFaceSize.isFinite else { throw VisageError("invalid_request", "min_face_size must be 0 or more") }

        let services = services
        let result = try await Self.withTimeout(settings.requestTimeout) {
            let loaded = await Self.load(images, fetcher: services.fetcher)
            let decoder = services.decoder, maxSide = services.maxSide, fetcher = services.fetcher
            let loaders: [@Sendable () throws -> DecodedImage] = loaded.map { result in
                { try fetcher.decode(try result.get(), decoder: decoder, maxSide: maxSide) }
            }
            return try await services.runBlocking {
                try services.extractor.extract(loaders, similarityThreshold: threshold, minFaceSize: minFaceSize)
            }
        }
        let faces = result.faces.map {
            ExtractResponse.Face(embedding: $0.embedding, headshotBase64: "data:image/jpeg;base64," + $0.headshotJPEG.base64EncodedString(),
                                 confidence: FacePayload.rounded($0.confidence, places: 4), faceID: $0.faceID,
                                 imageIndex: $0.imageIndex, occurrences: $0.occurrences)
        }
        let errors = result.imageErrors.keys.sorted().map { index in
            ExtractResponse.ImageError(index: index, code: result.imageErrors[index]!.code, message: result.imageErrors[index]!.message)
        }
        let milliseconds = (ContinuousClock.now - start).inSeconds * 1000
        return try Response.json(ExtractResponse(faces: faces, totalFacesDetected: result.totalFacesDetected, uniqueFaces: faces.count,
                                                 imagesProcessed: result.imagesProcessed, errors: errors,
                                                 requestID: context.requestID, processingTimeMs: FacePayload.rounded(milliseconds, places: 1)))
    }

    /// The batch: uploaded files in order, then the JSON `images` entries. An entry that is not
    /// exactly one of `image_url` and `image_base64` fails alone, like an image that won't load.
    static func inputs(_ form: ImageRequest) throws -> [Result<ImageInput, VisageError>] {
        let uploads = form.uploads.map { Result<ImageInput, VisageError>.success(.bytes($0.data, filename: $0.filename)) }
        let entries = try form.array("images") ?? []
        return uploads + entries.map { entry in
            let image = entry as? [String: Any] ?? [:]
            switch (image["image_url"], image["image_base64"]) {
            case (let url as String, nil): return .success(.url(url))
            case (nil, let base64 as String): return .success(.base64(base64))
            default: return .failure(VisageError("invalid_request", "each image needs exactly one of image_url and image_base64, as a string"))
            }
        }
    }

    /// Downloads and checks every image concurrently; each result stands alone.
    static func load(_ inputs: [Result<ImageInput, VisageError>], fetcher: ImageFetcher) async -> [Result<LoadedImage, VisageError>] {
        await withTaskGroup(of: (Int, Result<LoadedImage, VisageError>).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await fetcher.load(try input.get())))
                    } catch {
                        return (index, .failure(error as? VisageError ?? VisageError("internal_error", "\(error)")))
                    }
                }
            }
            var results = [Result<LoadedImage, VisageError>](repeating: .failure(VisageError("internal_error", "not loaded")), count: inputs.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    /// The work's result, or `request_timeout` (408) after `seconds`. Work already running on
    /// the inference queue finishes in the background; its result is dropped.
    static func withTimeout<T: Sendable>(_ seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw VisageError("request_timeout", "the request took longer than REQUEST_TIMEOUT (\(seconds) s)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
