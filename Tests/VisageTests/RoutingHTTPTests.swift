import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VisageSQLite

@testable import VisageServer

/// Seed 003's routing through HTTP with real models and files: settings stored and checked,
/// an inbox of a reference person's other photos, strangers, a corrupt file, a video and a
/// duplicate, each routed to the right folder.
@Suite struct RoutingHTTPTests {
    /// Inbox, destination and review folders under a fresh temporary folder.
    struct Folders {
        let root = TestServices.temporaryDirectory()
        var inbox: URL { root.appendingPathComponent("inbox") }
        var destination: URL { root.appendingPathComponent("destination") }
        var review: URL { root.appendingPathComponent("review") }

        init() throws {
            for folder in [inbox, destination, review] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        }

        func files(in folder: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        }
    }

    static func copy(_ source: String, to folder: URL, as name: String) throws -> String {
        let target = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: source, toPath: target.path)
        return target.path
    }

    @Test(arguments: StoreBackend.withFaceStore) func anInboxIsRoutedByItsFaces(backend: StoreBackend) async throws {
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let obama = PeopleQualityTests.photos(of: "Barack_Obama"), angelina = PeopleQualityTests.photos(of: "Angelina_Jolie")
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let stores = try database.open()
        let app = VisageApplication.build(services: try TestServices.make(stores: stores))
        try await app.test(.router) { client in
            let defaults = try await HTTPJSON.call(client, .get, "/api/settings/face-recognition").json
            #expect(defaults["enabled"] as? Bool == true && defaults["tolerance"] as? Double == 0.6 && defaults["review_path"] is NSNull)
            let (unconfigured, notYet) = try await HTTPJSON.call(client, .post, "/media/route", ["file_path": obama[0]])
            #expect(unconfigured == .conflict && (notYet["error"] as? [String: Any])?["code"] as? String == "routing_not_configured")
            for bad: [String: Any] in [
                ["review_path": "/nonexistent/review"], ["tolerance": 1.5], ["review_path": "relative/review"],
                ["review_path": folders.inbox.path, "inbox_path": folders.inbox.path], ["review_path": obama[0]],
            ] {
                let (status, json) = try await HTTPJSON.call(client, .put, "/api/settings/face-recognition", bad)
                #expect(status == .badRequest && (json["error"] as? [String: Any])?["code"] as? String == "invalid_settings", "\(bad): \(json)")
            }
            let (saved, settings) = try await HTTPJSON.call(
                client, .put, "/api/settings/face-recognition",
                ["inbox_path": folders.inbox.path, "destination_path": folders.destination.path, "review_path": folders.review.path])
            #expect(saved == .ok && settings["inbox_path"] as? String == folders.inbox.path, "\(settings)")
            #expect(settings["enabled"] as? Bool == true, "fields not given keep their values")

            // References of two people: Barack Obama (three photos) and Lin-Manuel Miranda (testdata's one).
            let miranda = CLI.testdata.appendingPathComponent("faces_identity/face_recognition/examples/lin-manuel-miranda.png").path
            for (name, path) in obama.prefix(3).map({ ("Barack Obama", $0) }) + [("Lin-Manuel Miranda", miranda)] {
                #expect(try await HTTPJSON.call(client, .post, "/references", ["person_name": name, "image_path": path]).status == .created)
            }
            var inbox: [String: String] = [:]  // name -> expected folder
            for (index, path) in obama.dropFirst(3).prefix(4).enumerated() {
                inbox[(try Self.copy(path, to: folders.inbox, as: "obama-\(index).jpg") as NSString).lastPathComponent] = "destination"
            }
            for (index, path) in angelina.prefix(3).enumerated() {
                inbox[(try Self.copy(path, to: folders.inbox, as: "stranger-\(index).jpg") as NSString).lastPathComponent] = "review"
            }
            let corrupt = CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.jpg").path
            inbox[(try Self.copy(corrupt, to: folders.inbox, as: "corrupt.jpg") as NSString).lastPathComponent] = "review"
            let clip = CLI.testdata.appendingPathComponent("video/short_hamilton_clip.mp4").path
            inbox[(try Self.copy(clip, to: folders.inbox, as: "clip.mp4") as NSString).lastPathComponent] = "destination"
            let strangers = CLI.testdata.appendingPathComponent("video/derived/facenet-pytorch_video_720p_vp9.webm").path
            inbox[(try Self.copy(strangers, to: folders.inbox, as: "walkers.webm") as NSString).lastPathComponent] = "review"

            for name in inbox.keys.sorted() {
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/media/route", ["file_path": folders.inbox.appendingPathComponent(name).path])
                #expect(status == .ok, "\(name): \(json)")
                let movedTo = json["moved_to"] as? String ?? ""
                let expected = inbox[name] == "destination" ? folders.destination : folders.review
                #expect(movedTo == expected.appendingPathComponent(name).path, "\(name) went to \(movedTo): \(json)")
                #expect(json["duplicate"] as? Bool == false)
                if name == "corrupt.jpg" { #expect((json["error"] as? [String: Any])?["code"] as? String == "image_truncated") }
                if name == "clip.mp4" { #expect(json["media_type"] as? String == "video" && json["person_name"] as? String == "Lin-Manuel Miranda") }
                if name.hasPrefix("obama") { #expect(json["person_name"] as? String == "Barack Obama") }
            }
            #expect(folders.files(in: folders.inbox).isEmpty)
            #expect(folders.files(in: folders.destination) == inbox.filter { $0.value == "destination" }.keys.sorted())
            #expect(folders.files(in: folders.review) == inbox.filter { $0.value == "review" }.keys.sorted())

            // The same bytes again, under another name: a duplicate, left where it is.
            let again = try Self.copy(obama[3], to: folders.inbox, as: "again.jpg")
            let duplicate = try await HTTPJSON.call(client, .post, "/media/route", ["file_path": again]).json
            #expect(duplicate["duplicate"] as? Bool == true && duplicate["moved_to"] is NSNull, "\(duplicate)")
            #expect(duplicate["duplicate_of"] as? String == folders.destination.appendingPathComponent("obama-0.jpg").path)
            #expect(FileManager.default.fileExists(atPath: again))
            // Outside the inbox: refused.
            let (outside, refused) = try await HTTPJSON.call(client, .post, "/media/route", ["file_path": angelina[5]])
            #expect(outside == .forbidden && (refused["error"] as? [String: Any])?["code"] as? String == "path_not_allowed")
            let (missing, _) = try await HTTPJSON.call(
                client, .post, "/media/route", ["file_path": folders.inbox.appendingPathComponent("gone.jpg").path])
            #expect(missing == .notFound)
        }
        let actions = try stores.references.mediaAudit(limit: 100).map(\.action)
        #expect(actions.filter { $0 == "route" }.count == 10 && actions.contains("route_duplicate") && actions.contains("settings_update"))
    }

    /// Two requests for the same content at once (two copies, or one path twice): one moves it,
    /// the other is told it is a duplicate or already gone; never an error of ours, never two moves.
    @Test func concurrentRoutesOfOneContentMoveItOnce() async throws {
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let photo = PeopleQualityTests.photos(of: "Angelina_Jolie")[0]
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (saved, _) = try await HTTPJSON.call(
                client, .put, "/api/settings/face-recognition",
                ["inbox_path": folders.inbox.path, "destination_path": folders.destination.path, "review_path": folders.review.path])
            try #require(saved == .ok)
            let first = try Self.copy(photo, to: folders.inbox, as: "one.jpg"), second = try Self.copy(photo, to: folders.inbox, as: "two.jpg")
            async let a = HTTPJSON.call(client, .post, "/media/route", ["file_path": first])
            async let b = HTTPJSON.call(client, .post, "/media/route", ["file_path": second])
            async let c = HTTPJSON.call(client, .post, "/media/route", ["file_path": first])
            let answers = try await [a, b, c]
            #expect(answers.allSatisfy { $0.status == .ok || $0.status == .notFound }, "\(answers)")
            let moved = answers.filter { $0.json["moved_to"] is String }
            #expect(moved.count == 1, "\(answers)")
            #expect(folders.files(in: folders.review).count == 1 && folders.files(in: folders.destination).isEmpty)
        }
    }
}
