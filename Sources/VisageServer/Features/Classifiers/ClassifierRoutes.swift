import Foundation
import Hummingbird
import VisageClassifiers
import VisageCore
import VisageImaging
import VisageTasks

/// Issue 14's collection classifiers: train a new version from labelled examples, list the
/// versions with their held-out metrics, delete a collection's classifier. `classify` itself is a
/// seed 001 task (`TaskRunner`).
struct ClassifierRoutes: FeatureRoutes {
    let library: ClassifierLibrary
    /// The task models, which embed the examples sent as images.
    let models: TaskModels
    /// Where `image_id` examples are looked up; nil until the server stores image embeddings.
    /// Training examples given by `image_id`: what `POST /images/encode` stored.
    let storedEmbeddings: any StoredEmbeddingLookup
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("classifiers/:collection_id/train") { request, context in
            let collectionID = try Self.collectionID(context)
            let body = try await images.read(TrainClassifierBody.self, from: request)
            let positives = try await embeddings(body.positives, name: "positives", body)
            let negatives = try await embeddings(body.negatives, name: "negatives", body)
            let library = library
            let trained = try await executor.run {
                try library.train(
                    collectionID: collectionID, types: body.types, positives: positives, negatives: negatives, settings: body.settings)
            }
            return try Response.json(TrainedClassifierPayload(collectionID: collectionID, trained), status: .created)
        }
        routes.get("classifiers") { _, _ in
            let library = library
            return try Response.json(ClassifierListPayload(try await executor.run { try library.collections() }))
        }
        routes.get("classifiers/:collection_id") { _, context in
            let collectionID = try Self.collectionID(context), library = library
            return try Response.json(ClassifierCollectionPayload(try await executor.run { try library.collection(collectionID) }))
        }
        routes.delete("classifiers/:collection_id") { _, context in
            let collectionID = try Self.collectionID(context), library = library
            let count = try await executor.run { try library.delete(collectionID) }
            return try Response.json(DeletedClassifierPayload(collectionID: collectionID, deletedVersions: count))
        }
        return routes
    }

    static func collectionID(_ context: VisageRequestContext) throws -> Int64 {
        let text = try context.pathParameter("collection_id")
        guard let id = Int64(text), id >= 0 else {
            throw VisageError(.invalidRequest, "collection_id must be an integer of 0 or more, got '\(text.prefix(64))'")
        }
        return id
    }

    /// Each example's embeddings by type, in order; an error names the example (`positives[3]: ...`).
    private func embeddings(_ examples: [TrainingExample], name: String, _ body: TrainClassifierBody) async throws -> [[EmbeddingType: [Float]]] {
        if examples.contains(where: \.isImage) {
            for type in body.types {
                if let why = models.unavailability(of: type) {
                    throw VisageError(.invalidRequest, "\(name) has images, but this server cannot compute \(type.rawValue) embeddings: \(why)")
                }
            }
        }
        var result: [[EmbeddingType: [Float]]] = []
        for (index, example) in examples.enumerated() {
            let itemName = "\(name)[\(index)]"
            do {
                result.append(try await embedding(example, name: itemName, body))
            } catch let error as VisageError where !error.message.hasPrefix(itemName) {
                throw VisageError(error.errorCode, "\(itemName): \(error.message)")
            }
        }
        return result
    }

    private func embedding(_ example: TrainingExample, name: String, _ body: TrainClassifierBody) async throws -> [EmbeddingType: [Float]] {
        switch example {
        case .embeddings(let raw):
            return try TrainingExample.resolve(raw, types: body.types, name: name)
        case .storedImage(let imageID):
            return try await executor.run { [storedEmbeddings] in try Self.stored(imageID, types: body.types, lookup: storedEmbeddings) }
        case .image(let input):
            let models = models
            return try await images.withDecoded(input, on: executor) { decoded in
                try TaskRunner(models: models, decoded: decoded).embeddings(body.types, target: body.target, faceContext: body.faceContext)
            }
        }
    }

    private static func stored(_ imageID: String, types: [EmbeddingType], lookup: any StoredEmbeddingLookup) throws -> [EmbeddingType: [Float]] {
        var parts: [EmbeddingType: [Float]] = [:]
        for type in types {
            guard let vector = try lookup.embedding(imageID: imageID, type: type) else {
                throw VisageError(
                    .imageNotEncoded,
                    "image '\(imageID.prefix(256))' has no stored \(type.rawValue) embedding (POST /images/encode stores the clip "
                        + "embedding of the server's CLIP model): encode it, or send the image or its embedding instead")
            }
            parts[type] = vector
        }
        return parts
    }
}
