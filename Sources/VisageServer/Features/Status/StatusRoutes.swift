import Foundation
import Hummingbird
import VisageRecognition
import VisageStorage

/// `GET /api/status`: what a settings page shows about the server, all cheap to get: the
/// library's counts (one query) and its size on disk, the work queue (`BlockingExecutor`), and
/// whether the review queue has a folder.
struct StatusRoutes: FeatureRoutes {
    let recognition: RecognitionService
    let routing: any RoutingStore
    let executor: BlockingExecutor

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.get("api/status") { _, _ in
            // Read before the store job below joins the queue, so it doesn't count itself.
            let load = await executor.load()
            let recognition = recognition, routing = routing
            let (library, configured) = try await executor.run {
                (try recognition.libraryStatus(), try routing.routingSettings().reviewPath != nil)
            }
            return try Response.json(
                StatusPayload(
                    database: .init(
                        bytes: library.bytes, images: library.counts.images, faces: library.counts.faces,
                        clusters: library.counts.clusters, namedClusters: library.counts.namedClusters),
                    work: .init(workers: executor.workers, running: load.running, queued: load.queued, maxQueued: executor.maxQueued),
                    review: .init(configured: configured)))
        }
        return routes
    }
}

struct StatusPayload: Encodable {
    struct Database: Encodable {
        let bytes: Int64?
        let images: Int
        let faces: Int
        let clusters: Int
        let namedClusters: Int

        enum CodingKeys: String, CodingKey { case bytes, images, faces, clusters, namedClusters = "named_clusters" }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(bytes, forKey: .bytes)  // null, not absent, when unknown
            try container.encode(images, forKey: .images)
            try container.encode(faces, forKey: .faces)
            try container.encode(clusters, forKey: .clusters)
            try container.encode(namedClusters, forKey: .namedClusters)
        }
    }

    struct Work: Encodable {
        let workers: Int
        let running: Int
        let queued: Int
        let maxQueued: Int

        enum CodingKeys: String, CodingKey { case workers, running, queued, maxQueued = "max_queued" }
    }

    struct Review: Encodable {
        let configured: Bool
    }

    let database: Database
    let work: Work
    let review: Review
}
