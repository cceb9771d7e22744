import Foundation
import Hummingbird
import VisageCore
import VisageImaging
import VisageInput
import VisageRecognition
import VisageStorage

/// Seed 002's face database over HTTP: add an image's faces to a collection, search a
/// collection with a query image, list, and delete. Images come as JSON (`image_url`,
/// `image_base64`, `image_path`) or as a multipart upload; see `ImageRequest`.
struct FaceDatabaseRoutes {
    let services: ServerServices
    var database: FaceDatabaseService { services.faceDatabase }

    /// A search returns at most this many matches per query face.
    static let maxTopK = 1000

    func register(on router: Router<VisageRequestContext>) {
        router.post("facedb/images") { request, context in try await add(request, context) }
        router.post("facedb/search") { request, context in try await search(request, context) }
        router.get("facedb/collections") { _, _ in
            try Response.json(CollectionsPayload(collections: try await run { try $0.collections.collections() }))
        }
        router.get("facedb/images/:image_id") { request, context in
            let imageID = try context.pathParameter("image_id"), collection = try Self.collection(request.queryString("collection"))
            guard let stored = try await run({ try $0.collections.image(collection: collection, imageID: imageID) }) else {
                throw Self.unknownImage(imageID, collection: collection)
            }
            return try Response.json(StoredImagePayload(image: stored.image, faces: stored.faces))
        }
        router.delete("facedb/images/:image_id") { request, context in
            let imageID = try context.pathParameter("image_id"), collection = try Self.collection(request.queryString("collection"))
            guard let deleted = try await run({ try $0.collections.deleteImage(collection: collection, imageID: imageID) }) else {
                throw Self.unknownImage(imageID, collection: collection)
            }
            return try Response.json(DeletedImagePayload(collection: collection, imageID: imageID, deletedFaces: deleted))
        }
        router.delete("facedb/collections/:collection") { _, context in
            let collection = try Self.collection(try context.pathParameter("collection"))
            guard let deleted = try await run({ try $0.collections.deleteCollection(collection) }) else {
                throw VisageError("collection_not_found", "collection \(collection) holds no images")
            }
            return try Response.json(DeletedCollectionPayload(collection: collection, deletedImages: deleted))
        }
    }

    private func add(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let form = try await ImageRequest.read(request, maxBytes: services.extraction.maxRequestBytes)
        let collection = try Self.collection(try form.string("collection"))
        guard let imageID = try form.string("image_id"), !imageID.isEmpty else {
            throw VisageError("invalid_request", "image_id is required: the id your system knows the image by")
        }
        let input = try form.image()
        let file = try form.string("file") ?? Self.defaultFile(input, imageID: imageID)
        let minFaceSize = try Self.minFaceSize(form, default: services.extraction.minFaceSize)
        let loaded = try await services.fetcher.load(input)
        let services = services
        let added = try await services.runBlocking {
            let decoded = try services.fetcher.decode(loaded, decoder: services.decoder, maxSide: services.maxSide)
            return try services.faceDatabase.add(collection: collection, imageID: imageID, file: file, image: decoded,
                                                 minFaceSize: minFaceSize)
        }
        return try Response.json(AddedImagePayload(added, embeddingModel: database.embeddingModel))
    }

    private func search(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let form = try await ImageRequest.read(request, maxBytes: services.extraction.maxRequestBytes)
        let collection = try Self.collection(try form.string("collection"))
        let minSimilarity = try Self.threshold(form)
        let topK = try form.int("top_k") ?? 10
        guard (1...Self.maxTopK).contains(topK) else { throw VisageError("invalid_request", "top_k must be from 1 to \(Self.maxTopK)") }
        let minFaceSize = try Self.minFaceSize(form, default: services.extraction.minFaceSize)
        let loaded = try await services.fetcher.load(try form.image())
        let services = services
        let result = try await services.runBlocking {
            let decoded = try services.fetcher.decode(loaded, decoder: services.decoder, maxSide: services.maxSide)
            return try services.faceDatabase.search(collection: collection, image: decoded, minSimilarity: minSimilarity,
                                                    limit: topK, minFaceSize: minFaceSize)
        }
        let milliseconds = (ContinuousClock.now - start).inSeconds * 1000
        return try Response.json(SearchPayload(result, collection: collection, embeddingModel: database.embeddingModel,
                                               requestID: context.requestID, processingTimeMs: milliseconds))
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (FaceDatabaseService) throws -> T) async throws -> T {
        let database = database
        return try await services.runBlocking { try body(database) }
    }

    // MARK: Parameters

    static func collection(_ value: String?) throws -> String {
        try CollectionName.validated(value ?? CollectionName.defaultName)
    }

    /// `max_distance` (Euclidean between unit embeddings, 0 to 2) or `min_similarity` (cosine,
    /// -1 to 1), at most one; nil leaves the model's default.
    static func threshold(_ form: ImageRequest) throws -> Float? {
        switch (try form.double("max_distance"), try form.double("min_similarity")) {
        case (nil, nil): return nil
        case (let distance?, nil):
            guard (0...2).contains(distance) else { throw VisageError("invalid_request", "max_distance must be from 0 to 2") }
            return CollectionMatch.similarity(forDistance: Float(distance))
        case (nil, let similarity?):
            guard (-1...1).contains(similarity) else { throw VisageError("invalid_request", "min_similarity must be from -1 to 1") }
            return Float(similarity)
        default: throw VisageError("invalid_request", "give max_distance or min_similarity, not both")
        }
    }

    static func minFaceSize(_ form: ImageRequest, default fallback: Double) throws -> Double {
        let value = try form.double("min_face_size") ?? fallback
        guard value >= 0 else { throw VisageError("invalid_request", "min_face_size must be 0 or more") }
        return value
    }

    /// What `file` is when the caller leaves it out: the upload's name, the URL or path, or the id.
    static func defaultFile(_ input: ImageInput, imageID: String) -> String {
        switch input {
        case .bytes(_, let filename?) where !filename.isEmpty: return filename
        case .url(let url): return url
        case .path(let path): return path
        default: return imageID
        }
    }

    static func unknownImage(_ imageID: String, collection: String) -> VisageError {
        VisageError("image_unknown", "collection \(collection) has no image \(imageID)")
    }
}
