import Foundation
import Hummingbird
import VisageCore
import VisageRecognition
import VisageStorage

/// Seed 002's face database over HTTP: add an image's faces to a collection, search a
/// collection with a query image, list, and delete. Images come as JSON (`image_url`,
/// `image_base64`, `image_path`) or as a multipart upload; see `ImageField`. Mounted at
/// `/facedb`.
struct FaceDatabaseRoutes: FeatureRoutes {
    let database: FaceDatabaseService
    let images: ImageLoader
    let executor: BlockingExecutor
    /// `MIN_FACE_SIZE`: the default of the requests' `min_face_size`.
    let defaultMinFaceSize: Double

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("images") { request, context in try await add(request, context) }
        routes.post("search") { request, context in try await search(request, context) }
        routes.get("collections") { _, _ in
            try Response.json(CollectionsPayload(collections: try await run { try $0.collections.collections() }))
        }
        routes.get("images/:image_id") { request, context in
            let imageID = try TextField.imageID(context.pathParameter("image_id"))
            let collection = try FaceDatabaseParameters.collection(request.queryString("collection"))
            guard let stored = try await run({ try $0.collections.image(collection: collection, imageID: imageID) }) else {
                throw FaceDatabaseParameters.unknownImage(imageID, collection: collection)
            }
            return try Response.json(StoredImagePayload(image: stored.image, faces: stored.faces))
        }
        routes.delete("images/:image_id") { request, context in
            let imageID = try TextField.imageID(context.pathParameter("image_id"))
            let collection = try FaceDatabaseParameters.collection(request.queryString("collection"))
            guard let deleted = try await run({ try $0.collections.deleteImage(collection: collection, imageID: imageID) }) else {
                throw FaceDatabaseParameters.unknownImage(imageID, collection: collection)
            }
            return try Response.json(DeletedImagePayload(collection: collection, imageID: imageID, deletedFaces: deleted))
        }
        routes.delete("collections/:collection") { _, context in
            let collection = try FaceDatabaseParameters.collection(try context.pathParameter("collection"))
            guard let deleted = try await run({ try $0.collections.deleteCollection(collection) }) else {
                throw VisageError(.collectionNotFound, "collection \(collection) holds no images")
            }
            return try Response.json(DeletedCollectionPayload(collection: collection, deletedImages: deleted))
        }
        return routes
    }

    private func add(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let body = try await images.read(FaceDatabaseAddBody.self, from: request)
        let minFaceSize = body.minFaceSize ?? defaultMinFaceSize
        let database = database
        let added = try await images.withDecoded(body.image, on: executor) { decoded in
            try database.add(collection: body.collection, imageID: body.imageID, file: body.file, image: decoded, minFaceSize: minFaceSize)
        }
        return try Response.json(AddedImagePayload(added, embeddingModel: database.embeddingModel))
    }

    private func search(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await images.read(FaceDatabaseSearchBody.self, from: request)
        let collection = body.collection, minFaceSize = body.minFaceSize ?? defaultMinFaceSize
        let database = database
        let result = try await images.withDecoded(body.image, on: executor) { decoded in
            try database.search(
                collection: collection, image: decoded, minSimilarity: body.minSimilarity, limit: body.topK,
                minFaceSize: minFaceSize)
        }
        let milliseconds = (ContinuousClock.now - start).inSeconds * 1000
        return try Response.json(
            SearchPayload(
                result, collection: collection, embeddingModel: database.embeddingModel,
                requestID: context.requestID, processingTimeMs: milliseconds))
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (FaceDatabaseService) throws -> T) async throws -> T {
        let database = database
        return try await executor.run { try body(database) }
    }
}
