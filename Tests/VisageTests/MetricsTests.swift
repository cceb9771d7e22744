import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import VisageServer

/// `GET /metrics` reports, in Prometheus' text format, what the requests before it did.
@Suite struct MetricsTests {
    /// The value of the sample whose name and labels contain all of `parts`; nil if none.
    static func sample(_ text: String, _ parts: [String]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && parts.allSatisfy(line.contains) {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    @Test func countsRequestsInferenceFacesAndTheQueue() async throws {
        let services = try TestServices.make()
        let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            let before = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            let requestsBefore = Self.sample(before, ["hb_requests", "http_route=\"/faces/detect\"", "status_code=\"200\""]) ?? 0
            let facesBefore = Self.sample(before, ["visage_faces_analyzed_total"]) ?? 0
            for _ in 0..<2 {
                let (status, _) = try await HTTPJSON.call(client, .post, "/faces/detect", ["image_path": photo])
                #expect(status == .ok)
            }
            let (status, headers, text) = try await client.execute(uri: "/metrics", method: .get) {
                ($0.status, $0.headers, String(buffer: $0.body))
            }
            #expect(status == .ok)
            #expect(headers[.contentType]?.hasPrefix("text/plain") == true)
            let requests = Self.sample(text, ["hb_requests", "http_route=\"/faces/detect\"", "status_code=\"200\""])
            // The registry is the process's: tests running beside this one count too.
            #expect((requests ?? 0) >= requestsBefore + 2, "\(text)")
            // Two photos of two people: at least four faces more than before.
            #expect((Self.sample(text, ["visage_faces_analyzed_total"]) ?? 0) >= facesBefore + 4)
            let detector = services.analyzer.modelsUsed["face_detection"] ?? "?"
            #expect(
                (Self.sample(text, ["visage_inference_duration_seconds_count", "model=\"\(detector)"]) ?? 0) >= 2,
                "inference time of \(detector)")
            #expect(Self.sample(text, ["visage_work_waiting"]) != nil)
            #expect(Self.sample(text, ["visage_people_faces"]) == 0, "nothing recognised in this library yet")
            #expect(text.contains("# TYPE http_server_request_duration histogram"), "latency histogram")
        }
    }
}
