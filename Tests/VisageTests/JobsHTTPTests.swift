import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VisageCore
import VisageInput
import VisageJobs
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// `/jobs` end to end: a job submitted over HTTP, run by a real worker with the real lite models
/// on real photos, followed to `done`; idempotent submission; a failing job retried and then
/// dead-lettered; payloads refused with stable codes.
@Suite struct JobsHTTPTests {
    /// A folder of real photos of three people (copied: a job's folder must be a real folder).
    static func photoFolder() throws -> (folder: URL, count: Int) {
        let folder = TestServices.temporaryDirectory().appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let photos = PeopleAPITests.photos(["Angelina_Jolie": 2, "Barack_Obama": 2, "Katy_Perry": 1])
        for photo in photos {
            let name = photo.imageID.replacingOccurrences(of: "/", with: "_")
            try FileManager.default.copyItem(atPath: photo.path, toPath: folder.appendingPathComponent(name).path)
        }
        return (folder, photos.count)
    }

    /// Runs `worker` on a thread of its own until the returned stop is called.
    static func running(_ worker: JobWorker) -> JobWorkerStop {
        let stop = JobWorkerStop()
        Thread.detachNewThread { worker.run(until: stop) }
        return stop
    }

    /// Polls `GET /jobs/{id}` until the job is final (or 300 s pass, for a starved machine).
    static func waitForEnd(_ id: Any, _ client: some TestClientProtocol) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(300)
        while true {
            let (status, job) = try await HTTPJSON.call(client, .get, "/jobs/\(id)")
            try #require(status == .ok, "\(job)")
            if ["done", "dead", "cancelled"].contains(job["state"] as? String) || Date() > deadline { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func anIngestFolderJobRecognisesEveryPhoto() async throws {
        let services = try TestServices.make()
        let (folder, count) = try Self.photoFolder()
        let worker = JobWorker(store: services.jobs!.store, handlers: services.jobHandlers, settings: .init(lease: 30, idlePoll: 0.05))
        let stop = Self.running(worker)
        defer { stop.stop() }
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            let body: [String: Any] = ["kind": "ingest_folder", "payload": ["folder": folder.path], "idempotency_key": "photos-1"]
            let (status, submitted) = try await HTTPJSON.call(client, .post, "/jobs", body)
            #expect(status == .accepted, "\(submitted)")
            let id = try #require(submitted["id"])
            let job = try await Self.waitForEnd(id, client)
            #expect(job["state"] as? String == "done", "\(job)")
            let progress = try #require(job["progress"] as? [String: Any])
            #expect(progress["done"] as? Int == count && progress["total"] as? Int == count)
            let result = try #require(job["result"] as? [String: Any])
            #expect(result["images"] as? Int == count && result["recognized"] as? Int == count, "\(result)")
            #expect((result["faces"] as? Int ?? 0) >= count)

            // Every photo is stored under its path, with its faces placed in people.
            let real = PathConfinement.realPath(folder.path)!
            let images = try services.recognition.store.read { tx in try tx.images() }
            #expect(Set(images.map(\.imageID)) == Set(try FileManager.default.contentsOfDirectory(atPath: real).map { real + "/" + $0 }))
            let info = try await HTTPJSON.call(client, .get, "/faceinfo").json
            #expect(((info["clusters"] as? [Any])?.count ?? 0) >= 3, "three people: \(info)")

            // The same key again: the same job, not a second ingest.
            let (again, resubmitted) = try await HTTPJSON.call(client, .post, "/jobs", body)
            #expect(again == .accepted && (resubmitted["id"] as? Int) == (id as? Int) && resubmitted["state"] as? String == "done")
            let listed = try await HTTPJSON.call(client, .get, "/jobs?state=done").json
            #expect((listed["jobs"] as? [[String: Any]])?.count == 1)
        }
    }

    /// Fails every attempt, as a handler whose work keeps breaking would.
    struct BrokenReindex: JobHandler {
        let kind = JobKind.reindex
        func run(_ context: JobContext) throws -> String {
            try context.progress(done: 0, total: 1)
            throw VisageError(.storeFailed, "the disk is full (attempt \(context.job.attempts))")
        }
    }

    @Test func aFailingJobIsRetriedThenDeadLettered() async throws {
        let store = try SQLiteFaceStore.inMemory()
        let jobs = SQLiteJobStore(store: store)
        let services = try TestServices.make(store: store, jobs: jobs)
        let worker = JobWorker(
            store: jobs, handlers: JobHandlers([BrokenReindex()]),
            settings: .init(lease: 30, backoff: JobBackoff(base: 0.05, cap: 0.1), idlePoll: 0.05))
        let stop = Self.running(worker)
        defer { stop.stop() }
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            let (status, submitted) = try await HTTPJSON.call(client, .post, "/jobs", ["kind": "reindex", "payload": [:] as [String: Any]])
            #expect(status == .accepted && submitted["max_attempts"] as? Int == 5 && submitted["state"] as? String == "queued")
            let job = try await Self.waitForEnd(try #require(submitted["id"]), client)
            #expect(job["state"] as? String == "dead" && job["attempts"] as? Int == 5, "\(job)")
            #expect((job["last_error"] as? String)?.contains("the disk is full (attempt 5)") == true)
            let letters = try jobs.deadLetters(limit: 10)
            #expect(letters.map(\.jobID) == [Int64(job["id"] as! Int)] && letters.first?.attempts == 5)
            let (cancel, refused) = try await HTTPJSON.call(client, .delete, "/jobs/\(job["id"]!)")
            #expect(cancel.code == 409 && Self.code(refused) == "job_not_cancellable")
        }
    }

    @Test func submissionsAreCheckedAndQueuedJobsCancelled() async throws {
        let services = try TestServices.make()
        let folder = TestServices.temporaryDirectory()
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            let refusals: [([String: Any], Int, String)] = [
                (["kind": "transcode", "payload": [:] as [String: Any]], 400, "unknown_job_kind"),
                (["payload": [:] as [String: Any]], 400, "invalid_request"),
                (["kind": "ingest_folder", "payload": ["folder": "photos"]], 400, "invalid_job_payload"),
                (["kind": "ingest_folder", "payload": ["folder": folder.path + "/missing"]], 400, "invalid_job_payload"),
                (["kind": "ingest_folder", "payload": ["folder": folder.path, "depth": 2]], 400, "invalid_job_payload"),
                (["kind": "ingest_folder", "payload": [:] as [String: Any]], 400, "invalid_job_payload"),
                (["kind": "ingest_urls", "payload": ["urls": [] as [String]]], 400, "invalid_job_payload"),
                (
                    ["kind": "ingest_urls", "payload": ["urls": Array(repeating: "https://example.com/a.jpg", count: 1001)]], 400,
                    "invalid_job_payload"
                ),
                (["kind": "ingest_urls", "payload": ["urls": ["file:///etc/passwd"]]], 400, "invalid_job_payload"),
                (["kind": "reindex", "payload": ["all": "yes"]], 400, "invalid_job_payload"),
                (["kind": "reindex", "payload": [:] as [String: Any], "priority": 1], 400, "invalid_request"),
                (["kind": "reindex", "payload": [:] as [String: Any], "idempotency_key": ""], 400, "invalid_request"),
            ]
            for (body, status, code) in refusals {
                let (answered, json) = try await HTTPJSON.call(client, .post, "/jobs", body)
                #expect(Int(answered.code) == status && Self.code(json) == code, "\(body): \(json)")
            }
            let (_, queued) = try await HTTPJSON.call(client, .post, "/jobs", ["kind": "route_media", "payload": ["folder": folder.path]])
            #expect(queued["state"] as? String == "queued" && (queued["payload"] as? [String: String])?["folder"] != nil)
            let (cancelled, job) = try await HTTPJSON.call(client, .delete, "/jobs/\(queued["id"]!)")
            #expect(cancelled == .ok && job["state"] as? String == "cancelled" && job["finished_at"] != nil)
            #expect(Self.code(try await HTTPJSON.call(client, .get, "/jobs/424242").json) == "job_not_found")
            #expect(Self.code(try await HTTPJSON.call(client, .get, "/jobs/abc").json) == "invalid_request")
            #expect(Self.code(try await HTTPJSON.call(client, .get, "/jobs?state=lost").json) == "invalid_request")
            #expect(Self.code(try await HTTPJSON.call(client, .get, "/jobs?limit=0").json) == "invalid_request")
            let listed = try await HTTPJSON.call(client, .get, "/jobs?state=cancelled&limit=5").json
            #expect((listed["jobs"] as? [[String: Any]])?.map { $0["id"] as? Int } == [queued["id"] as? Int])
        }
    }

    static func code(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }
}
