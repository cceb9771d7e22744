import Foundation
import Hummingbird
import VisageCore
import VisageImaging
import VisageInput
import VisageTasks

/// Seed 001's task API: `POST /analyze_image/` (an image URL and tasks), `POST
/// /analyze_image_upload/` (a file and `tasks_json`) and `GET /available_operations/`. The image
/// is fetched and decoded once; `TaskRunner` runs every task on it, detecting people and faces at
/// most once. Errors are `{"detail": "..."}` (the group's style); a task's own failure is its
/// result's `error`, never the request's.
struct TaskRoutes: FeatureRoutes {
    let models: TaskModels
    let images: ImageLoader
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.post("analyze_image") { request, _ in
            let body = try await images.read(AnalyzeImageBody.self, from: request)
            return try await analyze(.url(body.imageURL), named: body.imageURL, tasks: body.tasks, source: .url)
        }
        routes.post("analyze_image_upload") { request, _ in
            guard (request.headers[.contentType] ?? "").lowercased().hasPrefix("multipart/form-data") else {
                throw VisageError(.invalidRequest, "send multipart/form-data with the file image_file and the field tasks_json")
            }
            let body = try await images.read(AnalyzeUploadBody.self, from: request)
            return try await analyze(
                .bytes(body.upload.data, filename: body.upload.filename), named: "uploaded:\(body.upload.filename)", tasks: body.tasks,
                source: .upload)
        }
        routes.get("available_operations") { _, _ in
            try Response.json(AvailableOperationsPayload(models: models))
        }
        return routes
    }

    enum Source { case url, upload }

    private func analyze(_ input: ImageInput, named name: String, tasks: [AnalysisTask], source: Source) async throws -> Response {
        let loaded: LoadedImage
        do {
            loaded = try await images.load(input)
        } catch let error as VisageError {
            // The seed's two sentences: the URL could not be fetched, or what came is no image.
            let fetching = source == .url && (error.code.hasPrefix("url_") || error.errorCode == .pathNotAllowed)
            throw Self.seedError(error, prefix: fetching ? "Could not download image from URL" : "Could not process image")
        }
        let (images, models) = (images, models)
        let results = try await executor.run {
            let decoded: DecodedImage
            do {
                decoded = try images.decode(loaded)
            } catch let error as VisageError {
                throw Self.seedError(error, prefix: "Could not process image")
            }
            return TaskRunner(models: models, decoded: decoded).run(tasks)
        }
        return try Response.json(AnalyzeImagePayload(imageURL: name, results: results))
    }

    /// The seed's 400 with its sentence, keeping 413 for what is too large and the 503s.
    static func seedError(_ error: VisageError, prefix: String) -> VisageError {
        let message = "\(prefix): \(error.message)"
        switch error.status {
        case 413, 503: return VisageError(error.errorCode, message)
        default: return VisageError(.invalidRequest, message)
        }
    }
}
