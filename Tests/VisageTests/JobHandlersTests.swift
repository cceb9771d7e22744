import Foundation
import Testing
import VisageCore
import VisageInput
import VisageJobs
import VisageRouting
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// The handlers other than `ingest_folder` (see JobsHTTPTests), each run by a real worker with
/// the real lite models: URLs through the server's fetcher and its address rules, a folder
/// routed by seed 003's router, a reindex.
@Suite struct JobHandlersTests {
    /// Runs one job on a thread of its own (handlers block; never on the cooperative pool).
    static func runOne(_ worker: JobWorker) async throws -> Job? {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try worker.runOne() }) }
        }
    }

    @Test func ingestURLsRecognisesWhatTheFetcherAllowsAndSkipsTheRest() async throws {
        try await ImageInputTests.withImageServer { port, server in
            try await ImageInputTests.withFetcher(InputPolicy(allowPrivateNetworks: true)) { fetcher in
                let services = try TestServices.make(fetcher: fetcher)
                let photo = "http://127.0.0.1:\(port)/photo.jpg"
                let urls = [photo, "http://127.0.0.1:\(port)/missing", "http://169.254.169.254/latest/meta-data/"]
                let job = try services.jobs!.submit(kind: "ingest_urls", payload: try JSONSerialization.data(withJSONObject: ["urls": urls]))
                let worker = JobWorker(store: services.jobs!.store, handlers: services.jobHandlers)
                let done = try #require(try await Self.runOne(worker))
                #expect(done.id == job.id && done.state == .done && done.progress == JobProgress(done: 3, total: 3))
                let result = try JobJSON.decode(IngestResult.self, from: try #require(done.result))
                #expect(result.recognized == 1 && result.faces > 1 && result.skippedCount == 2)
                #expect(result.skipped.map(\.code) == ["url_http_error", "url_not_allowed"], "\(result.skipped)")
                #expect(server.count("photo") == 1)
                let images = try services.recognition.store.read { try $0.images() }
                #expect(images.map(\.imageID) == [photo])
            }
        }
    }

    @Test func routeMediaMovesEveryFileOfTheFolder() async throws {
        let base = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let inbox = base.appendingPathComponent("inbox"), destination = base.appendingPathComponent("people")
        let review = base.appendingPathComponent("review")
        for folder in [inbox, destination, review] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let photos = PeopleAPITests.photos(["Barack_Obama": 2])
        for (index, photo) in photos.enumerated() {
            try FileManager.default.copyItem(atPath: photo.path, toPath: inbox.appendingPathComponent("\(index).jpg").path)
        }
        let store = try SQLiteFaceStore.inMemory()
        let services = try TestServices.make(store: store)
        // Recognition off: every file goes to the destination unchecked, as the seed's pipeline does.
        try store.saveRoutingSettings(
            FaceRoutingSettings(enabled: false, destinationPath: destination.path, reviewPath: review.path, inboxPath: inbox.path),
            actor: nil)
        let job = try services.jobs!.submit(kind: "route_media", payload: Data(#"{"folder": "\#(inbox.path)"}"#.utf8))
        let done = try #require(try await Self.runOne(JobWorker(store: services.jobs!.store, handlers: services.jobHandlers)))
        #expect(done.id == job.id && done.state == .done, "\(done.lastError ?? "")")
        let result = try JobJSON.decode(RouteResult.self, from: try #require(done.result))
        #expect(result.files == photos.count && result.unchecked == photos.count && result.skippedCount == 0, "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).isEmpty)
        #expect(FolderFiles.list(destination.path).count == photos.count)
    }

    @Test func reindexReembedsTheLibrary() async throws {
        let services = try TestServices.make()
        for photo in PeopleAPITests.photos(["Katy_Perry": 2]) {
            _ = try services.recognition.recognize(.init(imageID: photo.imageID, imagePath: photo.path, orientation: 1))
        }
        _ = try services.jobs!.submit(kind: "reindex", payload: Data(#"{"all": true}"#.utf8))
        let done = try #require(try await Self.runOne(JobWorker(store: services.jobs!.store, handlers: services.jobHandlers)))
        #expect(done.state == .done && done.progress == JobProgress(done: 2, total: 2), "\(done.lastError ?? "")")
        let result = try JobJSON.decode(ReindexResult.self, from: try #require(done.result))
        #expect(result.images == 2 && result.faces >= 2 && result.unreadable.isEmpty)
    }
}
