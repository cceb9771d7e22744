import Foundation
import Hummingbird
import VisageCore
import VisageReferences
import VisageStorage
import VisageVideo

/// Seed 003's reference faces and `check_image` over HTTP: add a reference from an image or a
/// stored face, list, activate or deactivate, delete; check an image against the references.
/// Every change is written to the audit trail with the key that made it.
struct ReferenceRoutes: FeatureRoutes {
    let intake: ReferenceIntake
    let checker: MediaChecker
    /// The recognition library's faces, for references added by `face_id`.
    let faces: any FaceStore
    let images: ImageLoader
    let executor: BlockingExecutor
    /// Frames of the videos `POST /check` is given.
    let sampler: VideoFrameSampler

    var library: ReferenceLibrary { intake.library }

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("references") { request, context in try await add(request, context) }
        routes.get("references") { request, _ in
            let person = try request.queryString("person_name").map {
                try TextField.name($0, field: "person_name").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let library = library
            return try Response.json(ReferenceListPayload(try await executor.run { try library.references(personName: person) }))
        }
        routes.patch("references/:reference_id") { request, context in
            let id = try Self.referenceID(context)
            let body = try await request.decodeJSON(UpdateReferenceBody.self, context: context)
            let library = library, actor = context.apiKey?.id
            return try Response.json(ReferencePayload(try await executor.run { try library.setActive(id: id, body.isActive, actor: actor) }))
        }
        routes.delete("references/:reference_id") { _, context in
            let id = try Self.referenceID(context)
            let library = library, actor = context.apiKey?.id
            try await executor.run { try library.delete(id: id, actor: actor) }
            return try Response.json(DeletedReferencePayload(referenceID: id))
        }
        routes.post("check") { request, _ in try await check(request) }
        return routes
    }

    private func add(_ request: Request, _ context: VisageRequestContext) async throws -> Response {
        let body = try await images.read(AddReferenceBody.self, from: request)
        let intake = intake, faces = faces, actor = context.apiKey?.id
        let added: ReferenceFace
        switch body.source {
        case .image(let input, let choice):
            added = try await images.withDecoded(input, on: executor) { decoded in
                try intake.add(personName: body.personName, image: decoded, source: input.displayName, choice: choice, actor: actor)
            }
        case .storedFace(let faceID):
            added = try await executor.run {
                let (face, path) = try faces.read { store in
                    guard let face = try store.face(id: faceID) else { throw VisageError(.faceNotFound, "there is no face \(faceID)") }
                    return (face, try store.images(rowIDs: [face.imageRowID])[face.imageRowID]?.path)
                }
                return try intake.add(personName: body.personName, storedFace: face, imagePath: path, actor: actor)
            }
        }
        return try Response.json(AddedReferencesPayload([added], personName: added.personName), status: .created)
    }

    /// An image is analysed as it is; a video's sampled frames are, their faces followed into
    /// tracks.
    private func check(_ request: Request) async throws -> Response {
        let body = try await images.read(CheckBody.self, from: request)
        let loaded = try await images.loadMedia(body.media)
        let checker = checker, sampler = sampler, images = images
        guard loaded.videoContainer != nil else {
            let result = try await executor.run {
                try checker.check(image: try images.decode(loaded), tolerance: body.tolerance, personName: body.personName)
            }
            return try Response.json(CheckPayload(result: result, mediaType: "image"))
        }
        let result = try await executor.run {
            let video: SampledVideo
            switch loaded.content {
            case .file(let path): video = try sampler.sample(URL(fileURLWithPath: path))
            case .data(let data): video = try sampler.sample(data: data)
            }
            return try checker.check(video: video, tolerance: body.tolerance, personName: body.personName)
        }
        return try Response.json(CheckPayload(result: result, mediaType: "video"))
    }

    private static func referenceID(_ context: VisageRequestContext) throws -> Int64 {
        let text = try context.pathParameter("reference_id")
        guard let id = Int64(text), id > 0 else {
            throw VisageError(.invalidRequest, "reference_id must be a positive whole number, got '\(text.prefix(40))'")
        }
        return id
    }
}
