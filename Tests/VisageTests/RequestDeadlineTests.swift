import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import VisageCore

@testable import VisageServer

/// `REQUEST_TIMEOUT` holds whatever the work is doing, and a full queue is refused at once.
///
/// The work here holds its worker until the test lets it go, which it does only after the answer
/// came: an answer that waited for the work (as it used to) would come only when the work gave
/// up after five minutes, with `finished` set. No wall-clock margin is asserted in this process:
/// beside the rest of the suite, tests that run synchronous work on the cooperative threads can
/// delay its timers by tens of seconds on a 2-core machine. The margin is measured on a real
/// `visage serve` process instead (`aRealServerAnswers408NearTheDeadline`).
@Suite struct RequestDeadlineTests {
    static let photo = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path

    /// Blocking work that runs until released (five minutes at most), and says whether it ended.
    final class HeldWork: Sendable {
        private let release = DispatchSemaphore(value: 0)
        private let ended = Mutex(false)

        var finished: Bool { ended.withLock { $0 } }

        func run() {
            _ = release.wait(timeout: .now() + 300)
            ended.withLock { $0 = true }
        }

        func letGo() { release.signal() }
    }

    /// Occupies the one worker of `executor` with `work`.
    static func occupy(_ executor: BlockingExecutor, with work: HeldWork) -> Task<Void, Error> {
        Task { try await executor.run { work.run() } }
    }

    @Test func theExecutorAnswersAtTheDeadlineWhileItsWorkRuns() async throws {
        let executor = BlockingExecutor(concurrentJobs: 1)
        let work = HeldWork()
        defer { work.letGo() }
        let deadline = RequestDeadline.Deadline(instant: .now + .milliseconds(300), seconds: 0.3)
        let error = await #expect(throws: VisageError.self) {
            try await RequestDeadline.$current.withValue(deadline) {
                try await executor.run { work.run() }
            }
        }
        #expect(error?.code == "request_timeout")
        #expect(!work.finished, "answered while the work still ran")
    }

    /// A `visage serve` process with `REQUEST_TIMEOUT=1` and one worker, given a batch that takes
    /// most of a minute (longer on a loaded machine): the 408 comes at the deadline plus a margin
    /// (29 s, for a loaded machine running the rest of the suite, where 13.5 s has been seen with
    /// several other servers starting at once; alone it is a few milliseconds after parsing the
    /// body), long before the batch could end, while the batch goes on in the background.
    @Test func aRealServerAnswers408NearTheDeadline() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServeProcess(data: data, environment: ["REQUEST_TIMEOUT": "1"], arguments: ["--workers", "1"])
        defer { server.kill() }
        try await server.waitUntilHealthy()
        // A crowd of about thirty faces in a small file (110 kB): each takes the one worker a
        // while, and the body (9 MB) parses in well under the deadline, which starts when the
        // request arrives.
        let crowd = CLI.testdata.appendingPathComponent("faces_group/pytorch_retinaface_test.jpg")
        let base64 = try Data(contentsOf: crowd).base64EncodedString()
        let images = Array(repeating: ["image_base64": base64], count: 60)
        let started = ContinuousClock.now
        let (status, json) = try await server.request("POST", "/extract-faces", ["images": images])
        let elapsed = ContinuousClock.now - started
        #expect(status == 408, "\(json)")
        #expect(json["code"] as? String == "request_timeout")
        #expect(elapsed < .seconds(30), "answered after \(elapsed) with REQUEST_TIMEOUT=1")
    }

    @Test func everyImageRouteAnswers408AtTheDeadline() async throws {
        let services = try TestServices.make(extraction: ExtractionSettings(requestTimeout: 0.5), concurrentJobs: 1)
        let work = HeldWork()
        let blocker = Self.occupy(services.executor, with: work)
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
                let (status, json) = try await client.execute(
                    uri: uri, method: .post, headers: [.contentType: "application/json"],
                    body: body
                ) { ($0.status, HTTPJSON.object($0)) }
                #expect(status == .requestTimeout, "\(uri): \(json)")
                #expect(!work.finished, "\(uri) waited for the work")
                let code = (json["error"] as? [String: Any])?["code"] as? String ?? json["code"] as? String
                #expect(code == "request_timeout", "\(uri)")
            }
        }
        work.letGo()
        try await blocker.value
    }

    @Test func aFullQueueIsRefusedWithRetryAfter() async throws {
        let services = try TestServices.make(concurrentJobs: 1, maxQueued: 1)
        let work = HeldWork()
        let blocker = Self.occupy(services.executor, with: work)
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
        work.letGo()
        try await blocker.value
        #expect(try await waiting.value == 1, "the waiting job still ran once a worker was free")
    }
}
