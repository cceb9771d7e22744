import Foundation
import Hummingbird
import VisageCore
import VisageRecognition

struct NameClusterBody: Decodable { let name: String }

struct RenameBody: Decodable {
    let oldName: String
    let newName: String
    enum CodingKeys: String, CodingKey { case oldName = "old_name", newName = "new_name" }
}

struct CorrectBody: Decodable {
    let imageID: String
    let personName: String
    let faceID: Int64?
    enum CodingKeys: String, CodingKey { case imageID = "image_id", personName = "person_name", faceID = "face_id" }
}

struct MergeBody: Decodable {
    let sourceClusterID: String
    let targetClusterID: String
    enum CodingKeys: String, CodingKey { case sourceClusterID = "source_cluster_id", targetClusterID = "target_cluster_id" }
}

struct SplitBody: Decodable {
    let faceIDs: [Int64]
    let name: String?
    enum CodingKeys: String, CodingKey { case faceIDs = "face_ids", name }
}

/// The people endpoints: recognise, name, rename, correct, merge, split, delete, list, crop,
/// recluster. Each handler decodes, calls the recognition service off the request threads, and
/// encodes; the rules live in `RecognitionService`.
struct PeopleRoutes {
    let services: ServerServices
    var recognition: RecognitionService { services.recognition }

    func register(on router: Router<VisageRequestContext>) {
        router.post("faces/recognize") { request, context in try await recognize(request, context) }
        router.post("faces/clusters/:cluster_id/name") { request, context in
            let body = try await request.decodeJSON(NameClusterBody.self, context: context)
            let id = try context.pathParameter("cluster_id")
            return try await change { try $0.nameCluster(id, name: body.name) }
        }
        router.post("faces/rename") { request, context in
            let body = try await request.decodeJSON(RenameBody.self, context: context)
            return try await change { try $0.renamePerson(from: body.oldName, to: body.newName) }
        }
        router.post("faces/correct") { request, context in
            let body = try await request.decodeJSON(CorrectBody.self, context: context)
            return try await change { try $0.correctFace(imageID: body.imageID, faceID: body.faceID, personName: body.personName) }
        }
        router.post("faces/clusters/merge") { request, context in
            let body = try await request.decodeJSON(MergeBody.self, context: context)
            return try await change { try $0.mergeClusters(body.sourceClusterID, into: body.targetClusterID) }
        }
        router.post("faces/clusters/:cluster_id/split") { request, context in
            let body = try await request.decodeJSON(SplitBody.self, context: context)
            let id = try context.pathParameter("cluster_id")
            return try await change { try $0.splitCluster(id, faceIDs: body.faceIDs, name: body.name) }
        }
        router.get("faceinfo") { request, _ in
            let info = try await run { try $0.faceInfo(clusterID: request.queryString("cluster_id"),
                                                       personName: request.queryString("person_name")) }
            return try Response.json(FaceInfoPayload(info))
        }
        router.get("faces/suggestions") { request, _ in
            let minimum = try request.queryDouble("min_similarity") ?? 0.6
            let suggestions = try await run { try $0.nameSuggestions(clusterID: request.queryString("cluster_id"), minSimilarity: minimum) }
            return try Response.json(SuggestionsPayload(suggestions))
        }
        router.get("faces/people/:name") { _, context in
            let name = try context.pathParameter("name")
            return try Response.json(FaceListPayload(name: name, faces: try await run { try $0.faces(ofPerson: name) }))
        }
        router.get("faces/clusters/:cluster_id/faces") { _, context in
            let id = try context.pathParameter("cluster_id")
            return try Response.json(FaceListPayload(clusterID: id, faces: try await run { try $0.faces(inCluster: id) }))
        }
        router.get("faces/:face_id/crop") { request, context in
            let id = try context.faceIDParameter()
            let size = try request.queryDouble("size").map(Int.init) ?? 160
            let jpeg = try await run { try $0.faceCrop(faceID: id, size: size) }
            return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=60"],
                            body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
        router.delete("faces/:face_id") { _, context in
            let id = try context.faceIDParameter()
            try await run { try $0.deleteFace(id: id) }
            return try Response.json(PeopleChangePayload(change: PeopleChange(message: "Deleted face \(id)")))
        }
        router.get("images/:image_id") { _, context in
            let id = try context.pathParameter("image_id")
            return try Response.json(FaceListPayload(faces: try await run { try $0.faces(ofImage: id) }))
        }
        router.delete("images/:image_id") { _, context in
            let id = try context.pathParameter("image_id")
            let removed = try await run { try $0.deleteImage(imageID: id) }
            return try Response.json(PeopleChangePayload(change: PeopleChange(message: "Deleted image \(id) (\(removed) faces)", faces: removed)))
        }
        router.post("faces/recluster") { _, _ in
            try Response.json(ReclusterPayload(try await run { try $0.recluster() }))
        }
    }

    private func recognize(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RecognizeBody.self, context: context)
        guard let orientation = body.orientation else {
            throw VisageError("invalid_orientation", "orientation is required: the EXIF orientation (1-8) the caller read")
        }
        // The path must pass the input policy (roots, regular file, size, format) like every image.
        _ = try await services.fetcher.load(.path(body.imagePath))
        let recognizeRequest = RecognizeRequest(imageID: body.imageID, imagePath: body.imagePath, orientation: orientation,
                                                xmpRegions: body.xmpRegions, saveAnnotated: body.saveAnnotated ?? false)
        let result = try await run { try $0.recognize(recognizeRequest) }
        return try Response.json(RecognizePayload(result: result))
    }

    private func change(_ work: @escaping @Sendable (RecognitionService) throws -> PeopleChange) async throws -> Response {
        try Response.json(PeopleChangePayload(change: try await run(work)))
    }

    /// Store and model work blocks a thread: run it on the services' dispatch queue.
    private func run<T: Sendable>(_ work: @escaping @Sendable (RecognitionService) throws -> T) async throws -> T {
        let recognition = recognition
        return try await services.runBlocking { try work(recognition) }
    }
}
