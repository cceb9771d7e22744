import HTTPTypes
import VisageAccess

/// What each route needs. This table is the one place: `AccessMiddleware` reads it for every
/// request, docs/API.md and the README print it, and a test walks every route of the OpenAPI
/// document against it. A route missing here is refused to every key (fail closed), which the
/// test reports.
enum RouteAccess: Sendable, Equatable {
    /// Needs no key: liveness, readiness and the API description.
    case open
    case scope(Scope)
}

enum RouteScopes {
    /// `"METHOD /path/{param}"`, as the OpenAPI document writes it.
    static let table: [String: RouteAccess] = [
        "GET /health": .open,
        "GET /ready": .open,
        "GET /openapi.json": .open,
        // The web UI's pages hold no data; its session routes check the key or the cookie themselves.
        "GET /": .open,
        "GET /ui": .open,
        "GET /ui/assets/{file}": .open,
        "POST /ui/session": .open,
        "GET /ui/session": .open,
        "DELETE /ui/session": .open,

        "POST /faces/detect": .scope(.extract),
        "POST /extract-faces": .scope(.extract),
        // Seed 001's task API analyses an image and stores nothing, as detection does; the list
        // of operations tells what this server can run, so it needs the same key.
        "POST /analyze_image": .scope(.extract),
        "POST /analyze_image_upload": .scope(.extract),
        "GET /available_operations": .scope(.extract),
        // Seed 000's caption describes an image and stores nothing.
        "POST /images/caption": .scope(.extract),

        // Issue 14's collection classifiers: training stores a version; `classify` is a task above.
        "POST /classifiers/{collection_id}/train": .scope(.classifiersWrite),
        "DELETE /classifiers/{collection_id}": .scope(.classifiersWrite),
        "GET /classifiers": .scope(.classifiersRead),
        "GET /classifiers/{collection_id}": .scope(.classifiersRead),

        "POST /faces/recognize": .scope(.facesWrite),
        "POST /faces/clusters/{cluster_id}/name": .scope(.facesWrite),
        "POST /faces/rename": .scope(.facesWrite),
        "POST /faces/correct": .scope(.facesWrite),
        "POST /faces/clusters/merge": .scope(.facesWrite),
        "POST /faces/clusters/{cluster_id}/split": .scope(.facesWrite),
        "DELETE /faces/{face_id}": .scope(.facesWrite),
        "DELETE /images/{image_id}": .scope(.facesWrite),
        "POST /faces/suggestions/reject": .scope(.facesWrite),
        "GET /faceinfo": .scope(.facesRead),
        "GET /faces/suggestions": .scope(.facesRead),
        "GET /faces/clusters/{cluster_id}/similar": .scope(.facesRead),
        // A search sends an image but stores nothing.
        "POST /faces/search": .scope(.facesRead),
        "GET /faces/people/{name}": .scope(.facesRead),
        "GET /faces/clusters/{cluster_id}/faces": .scope(.facesRead),
        "GET /faces/{face_id}/crop": .scope(.facesRead),
        "GET /images/{image_id}": .scope(.facesRead),
        // Seed 000's image search: encoding stores an embedding in the library, searching reads it.
        "POST /images/encode": .scope(.facesWrite),
        // Recognise, caption and encode in one call: it stores faces and an embedding.
        "POST /analyze": .scope(.facesWrite),
        "POST /search": .scope(.facesRead),
        "POST /search/similar": .scope(.facesRead),
        // Re-derives every person from scratch: a whole-library job, not an edit.
        "POST /faces/recluster": .scope(.admin),

        "POST /facedb/images": .scope(.facedbWrite),
        "DELETE /facedb/images/{image_id}": .scope(.facedbWrite),
        "DELETE /facedb/collections/{collection}": .scope(.facedbWrite),
        // A search sends an image but stores nothing.
        "POST /facedb/search": .scope(.facedbRead),
        "GET /facedb/collections": .scope(.facedbRead),
        "GET /facedb/images/{image_id}": .scope(.facedbRead),

        // Seed 003: the media pipeline's references and checks, and the review queue.
        "POST /references": .scope(.review),
        "GET /references": .scope(.review),
        "PATCH /references/{reference_id}": .scope(.review),
        "DELETE /references/{reference_id}": .scope(.review),
        "POST /check": .scope(.review),
        "POST /media/route": .scope(.review),
        "GET /api/settings/face-recognition": .scope(.review),
        "GET /api/review/list": .scope(.review),
        "GET /api/review/thumbnail": .scope(.review),
        "GET /api/review/media": .scope(.review),
        "POST /api/review/keep": .scope(.review),
        "DELETE /api/review/delete": .scope(.review),
        "POST /api/review/restore": .scope(.review),
        "POST /api/review/add-reference": .scope(.review),
        "POST /api/review/batch/keep": .scope(.review),
        "POST /api/review/batch/delete": .scope(.review),
        "POST /api/review/batch/add-reference": .scope(.review),
        // Where files go on the server's disks: the operator's decision.
        "PUT /api/settings/face-recognition": .scope(.admin),

        // Issue 15's job queue: submitting bulk work (ingest, route, reindex) changes the library.
        "POST /jobs": .scope(.jobsWrite),
        "DELETE /jobs/{job_id}": .scope(.jobsWrite),
        "GET /jobs": .scope(.jobsRead),
        "GET /jobs/{job_id}": .scope(.jobsRead),

        "POST /keys": .scope(.admin),
        "GET /keys": .scope(.admin),
        // The server's size, load and configuration: the operator's page.
        "GET /api/status": .scope(.admin),
        "DELETE /keys/{key_id}": .scope(.admin),

        "GET /metrics": .scope(.metrics),
    ]

    /// The access the matched route needs; nil when it has no entry.
    static func access(method: HTTPRequest.Method, endpointPath: String?) -> RouteAccess? {
        guard let endpointPath else { return nil }
        var path = endpointPath.hasPrefix("/") ? endpointPath : "/" + endpointPath
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return table["\(method.rawValue) \(path)"]
    }
}
