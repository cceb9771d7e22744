import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VisageImaging
import VisageSQLite

@testable import VisageServer

/// Seed 003's review queue through HTTP with real models and files copied into a temporary
/// review folder: listing with faces and paging, thumbnails, keep, delete, restore, add as a
/// reference, the batch forms, and every path that would leave the folders refused.
@Suite struct ReviewHTTPTests {
    struct Folders {
        let root = TestServices.temporaryDirectory()
        var review: URL { root.appendingPathComponent("review") }
        var destination: URL { root.appendingPathComponent("destination") }
        var trash: URL { root.appendingPathComponent("trash") }
        var outside: URL { root.appendingPathComponent("outside") }

        init() throws {
            for folder in [review, destination, outside] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        }

        /// Copies `source` into the review folder as `name`, modified `age` seconds ago.
        @discardableResult
        func add(_ source: String, as name: String, age: TimeInterval = 0) throws -> String {
            let target = review.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: source, toPath: target)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: target)
            return target
        }
    }

    static let obama = PeopleQualityTests.photos(of: "Barack_Obama")
    static let strangers = PeopleQualityTests.photos(of: "Angelina_Jolie")

    static func code(_ json: [String: Any]) -> String? { (json["error"] as? [String: Any])?["code"] as? String }

    /// Settings pointing at `folders`, and Barack Obama's references from three photos.
    static func prepare(_ client: some TestClientProtocol, _ folders: Folders) async throws {
        let (saved, settings) = try await HTTPJSON.call(
            client, .put, "/api/settings/face-recognition",
            ["destination_path": folders.destination.path, "review_path": folders.review.path])
        #expect(saved == .ok, "\(settings)")
        for path in obama.prefix(3) {
            #expect(try await HTTPJSON.call(client, .post, "/references", ["person_name": "Barack Obama", "image_path": path]).status == .created)
        }
    }

    @Test func listThumbnailKeepDeleteRestore() async throws {
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let store = try SQLiteFaceStore.inMemory()
        let app = VisageApplication.build(services: try TestServices.make(store: store, reviewTrash: folders.trash))
        try await app.test(.router) { client in
            let (unconfigured, notYet) = try await HTTPJSON.call(client, .get, "/api/review/list")
            #expect(unconfigured == .conflict && Self.code(notYet) == "routing_not_configured")
            try await Self.prepare(client, folders)
            let obama = try folders.add(Self.obama[3], as: "obama.jpg", age: 10)
            let stranger = try folders.add(Self.strangers[0], as: "stranger.jpg", age: 20)
            let notes = folders.review.appendingPathComponent("notes.txt").path
            try Data("not a photo".utf8).write(to: URL(fileURLWithPath: notes))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -30)], ofItemAtPath: notes)

            // Newest first, paged; only the page is analysed.
            let first = try await HTTPJSON.call(client, .get, "/api/review/list?limit=2").json
            let items = first["items"] as? [[String: Any]] ?? []
            #expect(first["total"] as? Int == 3 && first["limit"] as? Int == 2 && first["offset"] as? Int == 0)
            #expect(items.map { $0["file_name"] as? String } == ["obama.jpg", "stranger.jpg"], "\(first)")
            let obamaFaces = items.first?["faces"] as? [[String: Any]] ?? []
            #expect(obamaFaces.count == 1 && obamaFaces.first?["person_name"] as? String == "Barack Obama", "\(obamaFaces)")
            #expect(items.first?["media_type"] as? String == "image" && items.first?["error"] is NSNull)
            let strangerFaces = items.last?["faces"] as? [[String: Any]] ?? []
            #expect(strangerFaces.first?["person_name"] is NSNull && strangerFaces.first?["nearest_person"] as? String == "Barack Obama")
            let rest = try await HTTPJSON.call(client, .get, "/api/review/list?limit=2&offset=2").json
            let last = (rest["items"] as? [[String: Any]])?.first ?? [:]
            #expect(last["file_name"] as? String == "notes.txt" && last["media_type"] as? String == "other")
            #expect(Self.code(last) == "image_format_unsupported" && (last["faces"] as? [Any])?.isEmpty == true, "\(last)")
            #expect(try await HTTPJSON.call(client, .get, "/api/review/list?limit=0").status == .badRequest)

            // A thumbnail: JPEG, longest side 320, validated by its ETag.
            let thumbnailURL = try #require(items.first?["thumbnail_url"] as? String)
            let tag = try await client.execute(uri: thumbnailURL, method: .get) { response -> String? in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                #expect(response.headers[.cacheControl] == "private, max-age=3600")
                let header = try ImageDecoder().header(.bytes(Data(buffer: response.body)))
                #expect(header.format == "jpeg" && max(header.width, header.height) == 320, "\(header.width)x\(header.height)")
                return response.headers[.eTag]
            }
            let etag = try #require(tag)
            try await client.execute(uri: thumbnailURL, method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified && response.headers[.eTag] == etag && response.body.readableBytes == 0)
            }
            let notMedia = try await HTTPJSON.call(client, .get, "/api/review/thumbnail?file_path=\(notes)")
            #expect(notMedia.status == .badRequest && Self.code(notMedia.json) == "image_format_unsupported")

            // Keep into a nested folder, created under destination_path.
            let (kept, keep) = try await HTTPJSON.call(
                client, .post, "/api/review/keep", ["file_path": obama, "destination": "social media/instagram/posts"])
            let keptTo = folders.destination.appendingPathComponent("social media/instagram/posts/obama.jpg").path
            #expect(kept == .ok && keep["moved_to"] as? String == keptTo, "\(keep)")
            #expect(FileManager.default.fileExists(atPath: keptTo) && !FileManager.default.fileExists(atPath: obama))

            // Nothing leaves the folders: `..`, absolute destinations, symlinks out, other files.
            for destination in ["../x", "/tmp", "a/../../x"] {
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/api/review/keep", ["file_path": stranger, "destination": destination])
                #expect(status == .forbidden && Self.code(json) == "path_not_allowed", "\(destination): \(json)")
            }
            try FileManager.default.createSymbolicLink(
                atPath: folders.destination.appendingPathComponent("out").path, withDestinationPath: folders.outside.path)
            let throughLink = try await HTTPJSON.call(client, .post, "/api/review/keep", ["file_path": stranger, "destination": "out/x"])
            #expect(throughLink.status == .forbidden && Self.code(throughLink.json) == "path_not_allowed")
            #expect(
                FileManager.default.fileExists(atPath: stranger)
                    && !FileManager.default.fileExists(atPath: folders.outside.appendingPathComponent("x").path))
            let secret = folders.outside.appendingPathComponent("secret.jpg").path
            try FileManager.default.copyItem(atPath: Self.strangers[1], toPath: secret)
            let link = folders.review.appendingPathComponent("link.jpg").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: secret)
            for path in [link, secret, folders.review.appendingPathComponent("../outside/secret.jpg").path, "../outside/secret.jpg"] {
                let (status, json) = try await HTTPJSON.call(client, .post, "/api/review/keep", ["file_path": path])
                #expect(status == .forbidden && Self.code(json) == "path_not_allowed", "\(path): \(json)")
            }
            #expect(FileManager.default.fileExists(atPath: secret))
            let missing = try await HTTPJSON.call(
                client, .post, "/api/review/keep", ["file_path": folders.review.appendingPathComponent("gone.jpg").path])
            #expect(missing.status == .notFound && Self.code(missing.json) == "image_not_found")

            // Delete to the trash, gone from the list; restore puts it back.
            let (deleted, delete) = try await HTTPJSON.call(client, .delete, "/api/review/delete", ["file_path": stranger])
            let trashed = try #require(delete["moved_to"] as? String, "\(delete)")
            #expect(deleted == .ok && trashed.hasPrefix(folders.trash.path + "/") && FileManager.default.fileExists(atPath: trashed))
            let afterDelete = try await HTTPJSON.call(client, .get, "/api/review/list").json
            #expect((afterDelete["items"] as? [[String: Any]])?.map { $0["file_name"] as? String } == ["notes.txt"], "\(afterDelete)")
            let (restored, restore) = try await HTTPJSON.call(client, .post, "/api/review/restore", ["trash_path": trashed])
            #expect(restored == .ok && restore["moved_to"] as? String == stranger, "\(restore)")
            let outsideTrash = try await HTTPJSON.call(client, .post, "/api/review/restore", ["trash_path": secret])
            #expect(outsideTrash.status == .forbidden)
        }
        let actions = try store.mediaAudit(limit: 100).map(\.action)
        #expect(
            actions.filter { $0 == "review_keep" }.count == 1 && actions.contains("review_delete") && actions.contains("review_restore"), "\(actions)"
        )
    }

    @Test func addReferenceAndBatches() async throws {
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let store = try SQLiteFaceStore.inMemory()
        let app = VisageApplication.build(services: try TestServices.make(store: store, reviewTrash: folders.trash))
        try await app.test(.router) { client in
            try await Self.prepare(client, folders)
            let photo = try folders.add(Self.obama[4], as: "obama.jpg")
            let (added, json) = try await HTTPJSON.call(
                client, .post, "/api/review/add-reference", ["file_path": photo, "person_name": "Barack Obama", "destination": "people"])
            #expect(added == .ok && json["moved_to"] as? String == folders.destination.appendingPathComponent("people/obama.jpg").path, "\(json)")
            let id = try #require(json["reference_id"] as? Int)
            let references = try await HTTPJSON.call(client, .get, "/references?person_name=Barack%20Obama").json
            #expect((references["references"] as? [[String: Any]])?.contains { $0["id"] as? Int == id } == true)
            let group = try folders.add(CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path, as: "group.jpg")
            let (ambiguous, refused) = try await HTTPJSON.call(
                client, .post, "/api/review/add-reference", ["file_path": group, "person_name": "Joe"])
            #expect(ambiguous == .badRequest && Self.code(refused) == "face_ambiguous", "\(refused)")
            #expect(FileManager.default.fileExists(atPath: group))

            let keepers = try (5..<7).map { try folders.add(Self.strangers[$0], as: "keep-\($0).jpg") }
            let gone = folders.review.appendingPathComponent("gone.jpg").path
            let batchKeep = try await HTTPJSON.call(
                client, .post, "/api/review/batch/keep", ["file_paths": [keepers[0], gone, keepers[1]], "destination": "kept"]
            ).json
            #expect(batchKeep["succeeded"] as? Int == 2 && batchKeep["failed"] as? Int == 1, "\(batchKeep)")
            let keepResults = batchKeep["results"] as? [[String: Any]] ?? []
            #expect(keepResults.map { $0["ok"] as? Bool } == [true, false, true] && Self.code(keepResults[1]) == "image_not_found")
            #expect(keepResults[0]["moved_to"] as? String == folders.destination.appendingPathComponent("kept/keep-5.jpg").path)

            let doomed = try (7..<9).map { try folders.add(Self.strangers[$0], as: "delete-\($0).jpg") }
            let batchDelete = try await HTTPJSON.call(client, .post, "/api/review/batch/delete", ["file_paths": [gone] + doomed]).json
            #expect(batchDelete["succeeded"] as? Int == 2 && batchDelete["failed"] as? Int == 1, "\(batchDelete)")
            #expect(doomed.allSatisfy { !FileManager.default.fileExists(atPath: $0) })

            let more = try (5..<7).map { try folders.add(Self.obama[$0], as: "more-\($0).jpg") }
            let batchAdd = try await HTTPJSON.call(
                client, .post, "/api/review/batch/add-reference", ["file_paths": [more[0], gone, more[1]], "person_name": "Barack Obama"]
            ).json
            let addResults = batchAdd["results"] as? [[String: Any]] ?? []
            #expect(batchAdd["succeeded"] as? Int == 2 && addResults.compactMap { $0["reference_id"] as? Int }.count == 2, "\(batchAdd)")
            #expect(FileManager.default.fileExists(atPath: folders.destination.appendingPathComponent("more-5.jpg").path))
            let tooMany = try await HTTPJSON.call(client, .post, "/api/review/batch/delete", ["file_paths": [String]()])
            #expect(tooMany.status == .badRequest)
            let escaping = try await HTTPJSON.call(client, .post, "/api/review/batch/keep", ["file_paths": [group], "destination": "../x"])
            #expect(escaping.status == .forbidden)

            // A video's thumbnail is its first sampled frame.
            let clip = try folders.add(CLI.testdata.appendingPathComponent("video/short_hamilton_clip.mp4").path, as: "clip.mp4")
            try await client.execute(uri: "/api/review/thumbnail?file_path=\(clip)", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg", "\(String(buffer: response.body))")
                let header = try ImageDecoder().header(.bytes(Data(buffer: response.body)))
                #expect(max(header.width, header.height) == 320, "\(header.width)x\(header.height)")
            }
        }
        let actions = try store.mediaAudit(limit: 100).map(\.action)
        #expect(actions.filter { $0 == "review_add_reference" }.count == 3 && actions.filter { $0 == "review_keep" }.count == 2, "\(actions)")
    }

    @Test func emptyTrashCommand() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let old = data.appendingPathComponent("trash/2001-02-03"), today = data.appendingPathComponent("trash/" + ReviewTrashDay.today)
        for folder in [old, today] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: folder.appendingPathComponent("a.jpg"))
        }
        let older = CLI.run(["review", "empty-trash", "--older-than", "1", "--data", data.path])
        #expect(older.status == 0, "\(older.stderr)")
        #expect(older.jsonLines.first?["removed_files"] as? Int == 1 && older.jsonLines.first?["removed_days"] as? [String] == ["2001-02-03"])
        #expect(!FileManager.default.fileExists(atPath: old.path) && FileManager.default.fileExists(atPath: today.path))
        let all = CLI.run(["review", "empty-trash", "--data", data.path])
        #expect(all.jsonLines.first?["removed_files"] as? Int == 1 && !FileManager.default.fileExists(atPath: today.path), "\(all.stdout)")
        #expect(CLI.run(["review", "empty-trash", "--older-than", "-1", "--data", data.path]).status != 0)
    }
}

/// Today's trash folder name (UTC), as the server names it.
enum ReviewTrashDay {
    static var today: String {
        let format = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day()
        return Date().formatted(format)
    }
}
