import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VisageCore
import VisageSQLite

@testable import VisageServer

/// Seed 003's references and `check_image` through HTTP with the lite models and real photos:
/// references from some photos of a person, their other photos match, other people don't.
@Suite struct ReferencesHTTPTests {
    static func photos(of identity: String) -> [String] { PeopleQualityTests.photos(of: identity) }
    static let testdata = CLI.testdata
    static let groupPhoto = testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
    static let noFace = testdata.appendingPathComponent("clip_scenes/photoprism_face_testdata_nonface/14_cake_on_plate.jpg").path

    @Test(arguments: StoreBackend.withFaceStore) func referencesMatchTheirPersonAndNobodyElse(backend: StoreBackend) async throws {
        let obama = Self.photos(of: "Barack_Obama"), angelina = Self.photos(of: "Angelina_Jolie")
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let stores = try database.open()
        let app = VisageApplication.build(services: try TestServices.make(stores: stores))
        try await app.test(.router) { client in
            var ids: [Int64] = []
            for path in obama.prefix(3) {
                let (status, json) = try await HTTPJSON.call(client, .post, "/references", ["person_name": "Barack Obama", "image_path": path])
                #expect(status == .created, "\(json)")
                #expect(json["person_name"] as? String == "Barack Obama")
                ids += (json["reference_ids"] as? [Int] ?? []).map(Int64.init)
            }
            #expect(ids.count == 3)
            let listed = try await HTTPJSON.call(client, .get, "/references?person_name=Barack%20Obama").json
            #expect(listed["count"] as? Int == 3)
            let first = (listed["references"] as? [[String: Any]])?.first
            #expect(first?["reference_image_path"] as? String == obama[0] && first?["is_active"] as? Bool == true)
            #expect((first?["bbox"] as? [Double])?.count == 4 && first?["embedding_model"] as? String == "MobileFaceNet_paddlex_128d")
            #expect(first?.keys.contains("embedding") == false, "the embedding is never shown")

            for path in obama.dropFirst(3) {
                let (status, json) = try await HTTPJSON.call(client, .post, "/check", ["file_path": path])
                #expect(status == .ok)
                #expect(json["has_match"] as? Bool == true && json["person_name"] as? String == "Barack Obama", "\(path): \(json)")
                #expect(json["face_count"] as? Int ?? 0 >= 1 && json["media_type"] as? String == "image")
                #expect(json["tolerance"] as? Double == 0.6)
            }
            for path in angelina {
                let json = try await HTTPJSON.call(client, .post, "/check", ["image_path": path]).json
                #expect(json["has_match"] as? Bool == false && json["person_name"] is NSNull, "\(path): \(json)")
                let face = (json["faces"] as? [[String: Any]])?.first
                #expect(face?["nearest_person"] as? String == "Barack Obama" && face?["person_name"] is NSNull)
                #expect((face?["distance"] as? Double ?? 0) > 0.6, "farther than the tolerance")
            }
            // The group photo: Obama matches, Biden doesn't.
            let group = try await HTTPJSON.call(client, .post, "/check", ["image_path": Self.groupPhoto]).json
            let names = (group["faces"] as? [[String: Any]] ?? []).map { $0["person_name"] as? String }
            #expect(group["has_match"] as? Bool == true && names.filter { $0 == "Barack Obama" }.count == 1 && names.contains(nil))
            // Stricter than any real pair, or another person's references only: no match.
            let strict = try await HTTPJSON.call(client, .post, "/check", ["image_path": obama[5], "tolerance": 0.05]).json
            #expect(strict["has_match"] as? Bool == false)
            let other = try await HTTPJSON.call(client, .post, "/check", ["image_path": obama[5], "person_name": "Angelina Jolie"]).json
            #expect(other["has_match"] as? Bool == false && other["faces"] as? [[String: Any]] != nil)

            // Deactivated references are not matched; deleted ones are gone.
            for id in ids {
                let (status, json) = try await HTTPJSON.call(client, .patch, "/references/\(id)", ["is_active": false])
                #expect(status == .ok && json["is_active"] as? Bool == false)
            }
            let inactive = try await HTTPJSON.call(client, .post, "/check", ["image_path": obama[5]]).json
            #expect(inactive["has_match"] as? Bool == false && inactive["confidence"] as? Double == 0)
            let (deleted, _) = try await HTTPJSON.call(client, .delete, "/references/\(ids[0])")
            #expect(deleted == .ok)
            let (again, error) = try await HTTPJSON.call(client, .delete, "/references/\(ids[0])")
            #expect(again == .notFound && (error["error"] as? [String: Any])?["code"] as? String == "reference_not_found")
        }
        let audit = try stores.references.mediaAudit(limit: 20).map(\.action)
        #expect(audit.filter { $0 == "reference_add" }.count == 3 && audit.filter { $0 == "reference_update" }.count == 3)
        #expect(audit.first == "reference_delete")
    }

    @Test func aGroupPhotoNeedsAChoiceAndStoredFacesCanBeReferences() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (ambiguous, error) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "Joe Biden", "image_path": Self.groupPhoto])
            #expect(ambiguous == .badRequest && (error["error"] as? [String: Any])?["code"] as? String == "face_ambiguous", "\(error)")
            let detected = try await HTTPJSON.call(client, .post, "/faces/detect", ["image_path": Self.groupPhoto]).json
            let boxes = (detected["faces"] as? [[String: Any]] ?? []).compactMap { $0["bbox"] as? [Double] }
            try #require(boxes.count >= 2)
            let (byIndex, indexed) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "Joe Biden", "image_path": Self.groupPhoto, "face_index": 1])
            #expect(byIndex == .created, "\(indexed)")
            let (byBox, boxed) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "Joe Biden", "image_path": Self.groupPhoto, "bbox": boxes[1]])
            #expect(byBox == .created)
            let references = try await HTTPJSON.call(client, .get, "/references").json["references"] as? [[String: Any]] ?? []
            #expect(references.count == 2 && references[0]["bbox"] as? [Double] == references[1]["bbox"] as? [Double], "\(boxed)")

            let (outOfRange, _) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "Joe Biden", "image_path": Self.groupPhoto, "face_index": 7])
            #expect(outOfRange == .badRequest)
            let (nowhere, missed) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "Joe Biden", "image_path": Self.groupPhoto, "bbox": [0, 0, 5, 5]])
            #expect(nowhere == .unprocessableContent && (missed["error"] as? [String: Any])?["code"] as? String == "face_not_detected")
            let (noFace, none) = try await HTTPJSON.call(client, .post, "/references", ["person_name": "Cake", "image_path": Self.noFace])
            #expect(noFace == .unprocessableContent && (none["error"] as? [String: Any])?["code"] as? String == "face_not_detected")
            let (both, _) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "X", "image_path": Self.groupPhoto, "face_id": 1])
            #expect(both == .badRequest)
            let (unnamed, _) = try await HTTPJSON.call(client, .post, "/references", ["image_path": Self.groupPhoto, "face_index": 0])
            #expect(unnamed == .badRequest)

            // A face the library already holds.
            let recognized = try await HTTPJSON.call(
                client, .post, "/faces/recognize", ["image_id": "obama", "image_path": Self.photos(of: "Barack_Obama")[0], "orientation": 1]
            ).json
            let faceID = try #require((recognized["faces"] as? [[String: Any]])?.first?["face_id"] as? Int)
            let (stored, added) = try await HTTPJSON.call(client, .post, "/references", ["person_name": "Barack Obama", "face_id": faceID])
            #expect(stored == .created, "\(added)")
            let reference = (added["references"] as? [[String: Any]])?.first
            #expect(
                reference?["source_face_id"] as? Int == faceID && reference?["reference_image_path"] as? String == Self.photos(of: "Barack_Obama")[0])
            let (unknown, _) = try await HTTPJSON.call(client, .post, "/references", ["person_name": "Barack Obama", "face_id": 999_999])
            #expect(unknown == .notFound)
            let check = try await HTTPJSON.call(client, .post, "/check", ["image_path": Self.photos(of: "Barack_Obama")[4]]).json
            #expect(check["person_name"] as? String == "Barack Obama")
            for (method, path) in [(HTTPRequest.Method.patch, "/references/abc"), (.delete, "/references/0")] {
                #expect(try await HTTPJSON.call(client, method, path, ["is_active": true]).status == .badRequest)
            }
            let (badTolerance, _) = try await HTTPJSON.call(client, .post, "/check", ["image_path": Self.groupPhoto, "tolerance": 1.5])
            #expect(badTolerance == .badRequest)
        }
    }
}

/// `POST /check` with videos: frames across the clip, faces followed into tracks, each track
/// matched by its best faces; uploads and server paths; a broken clip is a 4xx.
@Suite struct VideoCheckHTTPTests {
    static let video = CLI.testdata.appendingPathComponent("video")
    static let hamilton = video.appendingPathComponent("short_hamilton_clip.mp4").path
    static let miranda = CLI.testdata.appendingPathComponent("faces_identity/face_recognition/examples/lin-manuel-miranda.png").path

    @Test func aClipOfAReferencePersonMatchesWithTheTimesTheyAppear() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let (added, json) = try await HTTPJSON.call(
                client, .post, "/references", ["person_name": "Lin-Manuel Miranda", "image_path": Self.miranda])
            #expect(added == .created, "\(json)")
            let (status, check) = try await HTTPJSON.call(client, .post, "/check", ["file_path": Self.hamilton])
            #expect(status == .ok, "\(check)")
            #expect(check["media_type"] as? String == "video" && check["has_match"] as? Bool == true, "\(check)")
            #expect(check["person_name"] as? String == "Lin-Manuel Miranda")
            let video = check["video"] as? [String: Any]
            #expect((video?["frames_analysed"] as? Int ?? 0) >= 8 && abs((video?["duration_s"] as? Double ?? 0) - 10) < 0.5, "\(video ?? [:])")
            let tracks = check["faces"] as? [[String: Any]] ?? []
            let matched = tracks.filter { $0["person_name"] as? String == "Lin-Manuel Miranda" }
            #expect(!matched.isEmpty && check["face_count"] as? Int == tracks.count)
            for track in matched {
                let start = track["start_s"] as? Double ?? -1, end = track["end_s"] as? Double ?? -1, time = track["time_s"] as? Double ?? -1
                #expect(start >= 0 && start <= time && time <= end && end <= 10.5, "\(track)")
                #expect(track["frames"] as? Int ?? 0 >= 1)
            }
            // He is on screen for most of the clip, followed as one person across frames.
            // Cuts break his tracks; his appearances join them, and he is on screen for most of it.
            let appearances = video?["appearances"] as? [[String: Any]] ?? []
            #expect(appearances.allSatisfy { $0["person_name"] as? String == "Lin-Manuel Miranda" } && !appearances.isEmpty)
            let appearanceFrames: [Int] = appearances.map { $0["frames"] as? Int ?? 0 }
            let trackFrames: [Int] = matched.map { $0["frames"] as? Int ?? 0 }
            #expect(appearanceFrames.reduce(0, +) == trackFrames.reduce(0, +))
            let spans: [Double] = appearances.map { (($0["end_s"] as? Double) ?? 0) - (($0["start_s"] as? Double) ?? 0) }
            let onScreen = spans.reduce(0, +)
            #expect(onScreen >= 3, "\(appearances)")

            // The same clip uploaded; another clip of strangers; a truncated clip.
            var form = MultipartBody()
            form.file("video", filename: "clip.mp4", try Data(contentsOf: URL(fileURLWithPath: Self.hamilton)), type: "video/mp4")
            let uploaded = try await client.execute(uri: "/check", method: .post, headers: [.contentType: form.contentType], body: form.buffer) {
                ($0.status, HTTPJSON.object($0))
            }
            #expect(uploaded.0 == .ok && uploaded.1["has_match"] as? Bool == true, "\(uploaded.1)")
            let strangers = try await HTTPJSON.call(
                client, .post, "/check", ["file_path": Self.video.appendingPathComponent("facenet-pytorch_video.mp4").path]
            ).json
            #expect(strangers["media_type"] as? String == "video" && strangers["has_match"] as? Bool == false, "\(strangers)")
            let truncated = TestServices.temporaryDirectory().appendingPathComponent("truncated.mp4")
            defer { try? FileManager.default.removeItem(at: truncated.deletingLastPathComponent()) }
            try Data(contentsOf: URL(fileURLWithPath: Self.hamilton)).prefix(20_000).write(to: truncated)
            let (broken, error) = try await HTTPJSON.call(client, .post, "/check", ["file_path": truncated.path])
            #expect(broken == .badRequest && (error["error"] as? [String: Any])?["code"] as? String == "video_unreadable", "\(error)")
            // Other routes still take images only.
            let (detect, refused) = try await HTTPJSON.call(client, .post, "/faces/detect", ["image_path": Self.hamilton])
            #expect(detect == .badRequest && (refused["error"] as? [String: Any])?["code"] as? String == "image_format_unsupported")
        }
    }
}
