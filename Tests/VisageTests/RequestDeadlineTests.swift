import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageCore

@testable import VisageServer

/// `REQUEST_TIMEOUT` holds whatever the work is doing, and a full queue is refused at once.
/// Margins are generous (seconds against a deadline of half a second) so a loaded machine can't
/// fail them; what they catch is an answer that waits for the work (it used to, 9 s late).
@Suite struct RequestDeadlineTests {
    static let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path

    /// Occupies the one worker of `executor` until `release` is signalled (30 s at most).
    static func occupy(_ executor: BlockingExecutor, release: DispatchSemaphore) -> Task<Void, Error> {
        Task {
            try await executor.run { _ = release.wait(timeout: .now() + 30) }
        }
    }

    @Test func theExecutorAnswersAtTheDeadlineWhileItsWorkRuns() async throws {
        let executor = BlockingExecutor(concurrentJobs: 1)
        let deadline = RequestDeadline.Deadline(instant: .now + .milliseconds(300), seconds: 0.3)
        let started = ContinuousClock.now
        let error = await #expect(throws: VisageError.self) {
            try await RequestDeadline.$current.withValue(deadline) {
                try await executor.run { sleep(5) }
            }
        }
        #expect(error?.code == "request_timeout")
        #expect(ContinuousClock.now - started < .seconds(3), "answered at the deadline, not when the work ended")
    }

    @Test func everyImageRouteAnswers408AtTheDeadline() async throws {
        let services = try TestServices.make(extraction: ExtractionSettings(requestTimeout: 0.5), concurrentJobs: 1)
        let release = DispatchSemaphore(value: 0)
        let blocker = Self.occupy(services.executor, release: release)
        let app = VisageApplication.build(services: services)
        let base64 = try Data(contentsOf: URL(fileURLWithPath: Self.photo)).base64EncodedString()
        let requests: [(String, ByteBuffer)] = [
            ("/faces/detect", HTTPJSON.body(["image_path": Self.photo])),
            ("/faces/recognize", HTTPJSON.body(["image_path": Self.photo, "image_id": "deadline", "orientation": 1])),
            ("/facedb/images", HTTPJSON.body(["image_base64": base64, "image_id": "deadline"])),
            ("/extract-faces", HTTPJSON.body(["images": [["image_base64": base64]]])),
        ]
        try await app.test(.router) { client in
            for (uri, body) in requests {
                let started = ContinuousClock.now
                let (status, json) = try await client.execute(
                    uri: uri, method: .post, headers: [.contentType: "application/json"],
                    body: body
                ) { ($0.status, HTTPJSON.object($0)) }
                #expect(status == .requestTimeout, "\(uri): \(json)")
                #expect(ContinuousClock.now - started < .seconds(4), "\(uri) waited for the work")
                let code = (json["error"] as? [String: Any])?["code"] as? String ?? json["code"] as? String
                #expect(code == "request_timeout", "\(uri)")
            }
        }
        release.signal()
        try await blocker.value
    }

    @Test func aFullQueueIsRefusedWithRetryAfter() async throws {
        let services = try TestServices.make(concurrentJobs: 1, maxQueued: 1)
        let release = DispatchSemaphore(value: 0)
        let blocker = Self.occupy(services.executor, release: release)
        // The one worker is busy; one request may wait, the next is refused at once.
        let waiting = Task { try await services.executor.run { 1 } }
        try await Task.sleep(for: .milliseconds(300))
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/faces/detect", method: .post, headers: [.contentType: "application/json"],
                body: HTTPJSON.body(["image_path": Self.photo])
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect((HTTPJSON.object(response)["error"] as? [String: Any])?["code"] as? String == "server_busy")
            }
        }
        release.signal()
        try await blocker.value
        #expect(try await waiting.value == 1, "the waiting job still ran once a worker was free")
    }
}
