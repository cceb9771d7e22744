import Foundation
import Hummingbird
import VisageCore
import VisageInput
import VisageRecognition

/// The people endpoints: recognise, name, rename, correct, merge, split, delete, list, crop,
/// recluster, similar clusters, rejected suggestions, search by photo. Each handler decodes,
/// calls the recognition service off the request threads, and encodes; the rules live in
/// `RecognitionService`.
struct PeopleRoutes: FeatureRoutes {
    let recognition: RecognitionService
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("faces/recognize") { request, context in try await recognize(request, context) }
        routes.post("faces/clusters/:cluster_id/name") { request, context in
            let body = try await request.decodeJSON(NameClusterBody.self, context: context)
            let id = try TextField.clusterID(context.pathParameter("cluster_id"))
            return try await change { try $0.nameCluster(id, name: body.name) }
        }
        routes.post("faces/rename") { request, context in
            let body = try await request.decodeJSON(RenameBody.self, context: context)
            return try await change { try $0.renamePerson(from: body.oldName, to: body.newName) }
        }
        routes.post("faces/correct") { request, context in
            let body = try await request.decodeJSON(CorrectBody.self, context: context)
            return try await change { try $0.correctFace(imageID: body.imageID, faceID: body.faceID, personName: body.personName) }
        }
        routes.post("faces/clusters/merge") { request, context in
            let body = try await request.decodeJSON(MergeBody.self, context: context)
            return try await change { try $0.mergeClusters(body.sourceClusterID, into: body.targetClusterID) }
        }
        routes.post("faces/clusters/:cluster_id/split") { request, context in
            let body = try await request.decodeJSON(SplitBody.self, context: context)
            let id = try TextField.clusterID(context.pathParameter("cluster_id"))
            return try await change { try $0.splitCluster(id, faceIDs: body.faceIDs, name: body.name) }
        }
        routes.post("faces/suggestions/reject") { request, context in
            let body = try await request.decodeJSON(RejectSuggestionBody.self, context: context)
            return try await change { try $0.rejectSuggestion(clusterID: body.clusterID, name: body.name) }
        }
        routes.post("faces/search") { request, _ in try await search(request) }
        routes.post("faces/recluster") { _, _ in
            try Response.json(ReclusterPayload(try await run { try $0.recluster() }))
        }
        addQueries(to: routes)
        return routes
    }

    /// The read-only routes, and the deletes by id.
    private func addQueries(to routes: RouteCollection<VisageRequestContext>) {
        routes.get("faceinfo") { request, _ in
            let clusterID = try request.queryString("cluster_id").map { try TextField.clusterID($0) }
            let personName = try request.queryString("person_name").map { try TextField.name($0, field: "person_name") }
            let info = try await run { try $0.faceInfo(clusterID: clusterID, personName: personName) }
            return try Response.json(FaceInfoPayload(info))
        }
        routes.get("faces/suggestions") { request, _ in
            let minimum = try request.queryDouble("min_similarity") ?? 0.6
            let clusterID = try request.queryString("cluster_id").map { try TextField.clusterID($0) }
            let suggestions = try await run { try $0.nameSuggestions(clusterID: clusterID, minSimilarity: minimum) }
            return try Response.json(SuggestionsPayload(suggestions))
        }
        routes.get("faces/clusters/:cluster_id/similar") { request, context in
            let id = try TextField.clusterID(context.pathParameter("cluster_id"))
            let limit = try PeopleParameters.similarLimit(try request.queryDouble("limit"))
            let similar = try await run { try $0.similarClusters(to: id, limit: limit) }
            return try Response.json(SimilarClustersPayload(clusterID: id, similar: similar))
        }
        routes.get("faces/people/:name") { _, context in
            let name = try TextField.name(context.pathParameter("name"))
            return try Response.json(FaceListPayload(name: name, faces: try await run { try $0.faces(ofPerson: name) }))
        }
        routes.get("faces/clusters/:cluster_id/faces") { _, context in
            let id = try TextField.clusterID(context.pathParameter("cluster_id"))
            return try Response.json(FaceListPayload(clusterID: id, faces: try await run { try $0.faces(inCluster: id) }))
        }
        routes.get("faces/:face_id/crop") { request, context in
            let id = try context.faceIDParameter()
            // Checked before it becomes an Int: `size=nan` or `1e20` trapped in `Int(_:)`.
            let size =
                try request.queryDouble("size").map {
                    try NumberField.integer($0, name: "size", in: 16...1024, message: "size must be from 16 to 1024 pixels")
                } ?? 160
            let known = request.headers[values: .ifNoneMatch]
            let crop = try await run { service in
                try service.faceCrop(faceID: id, size: size) { PeopleParameters.matches(ifNoneMatch: known, etag: $0) }
            }
            let headers: HTTPFields = [.eTag: crop.etag, .cacheControl: "private, max-age=300"]
            guard let jpeg = crop.jpeg else { return Response(status: .notModified, headers: headers) }
            var withType = headers
            withType[.contentType] = "image/jpeg"
            return Response(status: .ok, headers: withType, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
        routes.delete("faces/:face_id") { _, context in
            let id = try context.faceIDParameter()
            try await run { try $0.deleteFace(id: id) }
            return try Response.json(PeopleChangePayload(change: PeopleChange(message: "Deleted face \(id)")))
        }
        routes.get("images/:image_id") { _, context in
            let id = try TextField.imageID(context.pathParameter("image_id"))
            return try Response.json(FaceListPayload(faces: try await run { try $0.faces(ofImage: id) }))
        }
        routes.delete("images/:image_id") { _, context in
            let id = try TextField.imageID(context.pathParameter("image_id"))
            let removed = try await run { try $0.deleteImage(imageID: id) }
            return try Response.json(PeopleChangePayload(change: PeopleChange(message: "Deleted image \(id) (\(removed) faces)", faces: removed)))
        }
    }

    /// The path passes the input policy (roots, regular file, size, format) like every image, and
    /// the bytes it checked are the ones decoded and analysed: the file is never re-opened by path,
    /// so it cannot be swapped between the check and the read.
    private func recognize(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RecognizeBody.self, context: context)
        let orientation = try body.requiredOrientation()
        let loaded = try await images.load(.path(body.imagePath))
        let recognizeRequest = try body.request(orientation: orientation)
        let recognition = recognition, images = images
        let result = try await executor.run {
            var request = recognizeRequest
            request.image = try images.decode(loaded)
            return try recognition.recognize(request)
        }
        return try Response.json(RecognizePayload(result: result))
    }

    /// A query image's faces and the recognised faces most like each; nothing is stored.
    private func search(_ request: Request) async throws -> Response {
        let body = try await images.read(FaceSearchBody.self, from: request)
        let recognition = recognition
        let faces = try await images.withDecoded(body.image, on: executor) { decoded in
            try recognition.searchFaces(image: decoded, topK: body.topK, minSimilarity: body.minSimilarity)
        }
        return try Response.json(FaceSearchPayload(faces: faces, modelsUsed: recognition.analyzer.modelsUsed))
    }

    private func change(_ work: @escaping @Sendable (RecognitionService) throws -> PeopleChange) async throws -> Response {
        try Response.json(PeopleChangePayload(change: try await run(work)))
    }

    /// Store and model work blocks a thread: run it on the executor.
    private func run<T: Sendable>(_ work: @escaping @Sendable (RecognitionService) throws -> T) async throws -> T {
        let recognition = recognition
        return try await executor.run { try work(recognition) }
    }
}
