import Foundation
import Testing
import VisageJobs
import VisageSQLite

@testable import VisageServer

/// `visage jobs` and `visage worker`, run as a user would: a job submitted from the CLI into the
/// data directory's database, run by a worker over the same file (as `visage serve`'s would),
/// followed by `visage jobs watch` to its end.
@Suite struct JobsCommandTests {
    @Test func submitListShowAndWatchAJobToItsEnd() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let (folder, count) = try JobsHTTPTests.photoFolder()
        let submitted = CLI.run(["jobs", "submit", "ingest_folder", "--folder", folder.path, "--idempotency-key", "k1", "--data", data.path])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.jsonLines.first)
        let id = try #require(job["id"] as? Int)
        #expect(job["state"] as? String == "queued" && job["kind"] as? String == "ingest_folder")
        let again = CLI.run(["jobs", "submit", "ingest_folder", "--folder", folder.path, "--idempotency-key", "k1", "--data", data.path])
        #expect(again.jsonLines.first?["id"] as? Int == id)
        #expect(CLI.run(["jobs", "submit", "transcode", "--data", data.path]).stderr.contains("[unknown_job_kind]"))
        #expect(CLI.run(["jobs", "submit", "ingest_folder", "--folder", "relative", "--data", data.path]).stderr.contains("[invalid_job_payload]"))
        let listed = CLI.run(["jobs", "list", "--state", "queued", "--data", data.path])
        #expect(listed.status == 0 && listed.jsonLines.map { $0["id"] as? Int } == [id])
        #expect(CLI.run(["jobs", "show", "999", "--data", data.path]).stderr.contains("[job_not_found]"))

        // A worker over the same file, as `visage serve` runs, while `visage jobs watch` follows.
        let watching = Task { await CLI.running(["jobs", "watch", "\(id)", "--interval", "0.1", "--data", data.path]) }
        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        let services = try TestServices.make(store: store)
        let worker = JobWorker(store: SQLiteJobStore(store: store), handlers: services.jobHandlers)
        let finished = try #require(try await Task.detached { try worker.runOne() }.value)
        #expect(finished.state == .done && finished.progress == .init(done: count, total: count))
        let watched = await watching.value
        #expect(watched.status == 0, "\(watched.stderr)")
        let line = try #require(watched.jsonLines.last)
        #expect(line["state"] as? String == "done" && (line["progress"] as? [String: Any])?["done"] as? Int == count)
        let shown = CLI.run(["jobs", "show", "\(id)", "--data", data.path])
        #expect((shown.jsonLines.first?["result"] as? [String: Any])?["recognized"] as? Int == count)
    }

    @Test func workerRefusesSQLite() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let worker = CLI.run(["worker", "--data", data.path], environment: ["VISAGE_DATABASE_URL": ""], timeout: 60)
        #expect(worker.status == 1)
        #expect(worker.stderr.contains("[invalid_configuration]") && worker.stderr.contains("visage serve"), "\(worker.stderr)")
    }

    @Test func serveRefusesABadJobWorkerCount() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        for value in ["-1", "65", "two"] {
            let serve = CLI.run(
                ["serve", "--port", "0", "--data", data.path, "--model-dir", CLI.modelDirectory], environment: ["VISAGE_JOB_WORKERS": value],
                timeout: 60)
            #expect(serve.status == 1 && serve.stderr.contains("[invalid_configuration]"), "\(value): \(serve.stderr)")
            #expect(serve.stderr.contains("VISAGE_JOB_WORKERS"), "\(value): \(serve.stderr)")
        }
    }
}
