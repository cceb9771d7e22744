import Dispatch
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import VisageRecognition

/// `GET /metrics`: everything recorded in `registry`, in Prometheus' text format.
///
/// What is counted as it happens: requests by route, method and status, with their latency
/// (Hummingbird's `MetricsMiddleware`: `hb_requests`, `http_server_request_duration`), inference
/// time per model (`visage_inference_duration_seconds`), faces analysed
/// (`visage_faces_analyzed_total`) and the work queue (`visage_work_running`,
/// `visage_work_waiting`). What is a state is read at each scrape: the faces held.
struct MetricsRoutes: FeatureRoutes {
    let registry: PrometheusCollectorRegistry
    let recognition: RecognitionService
    let faceDatabase: FaceDatabaseService

    func routes() -> RouteCollection<VisageRequestContext> {
        let routes = RouteCollection(context: VisageRequestContext.self)
        routes.get("metrics") { _, _ in try await scrape() }
        return routes
    }

    private func scrape() async throws -> Response {
        let (recognition, faceDatabase) = (recognition, faceDatabase)
        // Off the cooperative pool (it reads the database) but not through the work queue: a
        // scrape must answer while the server is saturated, which is when it matters.
        let collectionFaces = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try faceDatabase.collections.collections().reduce(0) { $0 + $1.faces } })
            }
        }
        Gauge(label: "visage_people_faces", dimensions: [("model", recognition.embeddingModel)]).record(recognition.indexedFaceCount)
        Gauge(label: "visage_facedb_faces").record(collectionFaces)
        var text: [UInt8] = []
        registry.emit(into: &text)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
