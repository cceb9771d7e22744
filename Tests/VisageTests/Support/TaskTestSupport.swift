import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import VisageCore
import VisageImaging
import VisageInference
import VisageModels
import VisageTasks

@testable import VisageServer

/// Seed 001's routes in tests: the task models (the real NanoDet and face models, the tiny CLIP
/// and DINOv2 of scripts/make_tiny_models.py), a local server for `image_url`, and the calls.
enum TaskTestSupport {
    static let options = SessionOptions(intraOpThreads: 1, device: .cpu)
    static let modelStore = ModelStore(directory: URL(fileURLWithPath: CLI.modelDirectory))

    /// Fresh models, so that each test reads its own detection counts. `store`: where the person
    /// detector (and, without `tiny`, the CLIP and DINOv2 folders) are looked for.
    static func models(store: ModelStore = modelStore, tiny: Bool = true) throws -> TaskModels {
        let generated = tiny ? try TinyModels.generated.get() : nil
        return TaskModels.load(
            faces: TestServices.analyzer, store: store, runtime: TestServices.runtime, options: options,
            clipFolder: generated?.clip, dinov2Folder: generated?.dinov2, captionerFolder: generated?.captioner)
    }

    static func testdata(_ relative: String) throws -> Data {
        try Data(contentsOf: CLI.testdata.appendingPathComponent(relative))
    }

    /// A `width` x `height` image of one colour, as PNG bytes.
    static func solidPNG(_ red: UInt8, _ green: UInt8, _ blue: UInt8, width: Int = 320, height: Int = 240) throws -> Data {
        var image = RGBImage(width: width, height: height)
        for index in 0..<(width * height) {
            image.pixels[index * 3] = red
            image.pixels[index * 3 + 1] = green
            image.pixels[index * 3 + 2] = blue
        }
        return try image.encoded(.png)
    }

    /// `POST /analyze_image/` with `tasks`; status and JSON body.
    static func analyze(
        _ client: some TestClientProtocol, url: String, tasks: [[String: Any]]
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        try await HTTPJSON.call(client, .post, "/analyze_image/", ["image_url": url, "tasks": tasks])
    }

    /// `POST /analyze_image_upload/` as `curl -F image_file=@... -F tasks_json=...` sends it.
    static func upload(
        _ client: some TestClientProtocol, _ file: Data, filename: String = "photo.jpg", tasksJSON: String
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var form = MultipartBody()
        form.file("image_file", filename: filename, file)
        form.field("tasks_json", tasksJSON)
        return try await client.execute(
            uri: "/analyze_image_upload/", method: .post, headers: [.contentType: form.contentType], body: form.buffer
        ) { ($0.status, HTTPJSON.object($0)) }
    }

    static func json(_ tasks: [[String: Any]]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: tasks), as: UTF8.self)
    }

    /// A task as the seed writes one.
    static func task(
        _ id: String, _ type: String, target: String? = nil, faceContext: String? = nil, maxLength: Any? = nil
    ) -> [String: Any] {
        var params: [String: Any] = [:]
        if let maxLength { params["max_length"] = maxLength }
        if let target { params["target"] = target }
        if let faceContext { params["face_context"] = faceContext }
        return ["operation_id": id, "type": type, "params": params]
    }

    static func results(_ json: [String: Any]) -> [String: [String: Any]] {
        (json["results"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    static func box(_ value: Any?) -> [Int]? {
        (value as? [Any])?.compactMap { $0 as? Int }
    }

    static func vector(_ value: Any?) -> [Float] {
        (value as? [Double] ?? []).map(Float.init)
    }

    /// Serves `files` (name -> bytes) on a loopback port for the duration of `body`.
    static func withFileServer(_ files: [String: Data], _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.get(":name") { _, context in
            let name = try context.parameters.require("name")
            guard let data = files[name] else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "task-test-server")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await services.triggerGracefulShutdown()
                throw VisageError(.internalError, "the test file server did not start")
            }
            do {
                try await body(port)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
