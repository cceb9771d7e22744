import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VisageInput
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// Seed 002's face database through HTTP on the lite pack: identification accuracy on
/// faces_identity, uploads, collections, replace, delete, restart, and the caller's mistakes.
@Suite struct FaceDatabaseTests {
    static let identityRoot = CLI.testdata.appendingPathComponent("faces_identity")

    /// Every manifest photo is added; each photo of a person with two or more photos then
    /// queries the collection, and the best match from another photo must be of that person.
    /// Truth is per face: the largest face of each added photo is the manifest's person, and a
    /// match on any other face (a bystander) counts as wrong. The collections, keys and sessions
    /// are in each backend's store (the people in SQLite: PostgreSQL's `FaceStore` is to come).
    @Test(arguments: StoreBackend.all) func queriesFindThePersonFirst(backend: StoreBackend) async throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let stores = try database.open()
        let app = VisageApplication.build(services: try TestServices.make(collections: stores.collections, keys: stores.keys))
        let paths = FacesIdentity.identityOf.keys.sorted()
        try await app.test(.router) { client in
            var identityOfFace: [Int: String] = [:]
            for path in paths {
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/facedb/images",
                    [
                        "image_path": path, "image_id": Self.relative(path), "collection": "identity", "min_face_size": 0,
                    ])
                #expect(status == .ok, "\(json)")
                if let largest = Self.largest(json["faces"] as? [[String: Any]] ?? []), let id = largest["face_id"] as? Int {
                    identityOfFace[id] = FacesIdentity.identityOf[path]
                }
            }
            let photosOf = Dictionary(grouping: paths) { FacesIdentity.identityOf[$0]! }
            var queries = 0, correct = 0, misses: [String] = []
            for path in paths where photosOf[FacesIdentity.identityOf[path]!]!.count >= 2 {
                queries += 1
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/facedb/search",
                    [
                        "image_path": path, "collection": "identity", "min_similarity": -1, "top_k": 5, "min_face_size": 0,
                    ])
                #expect(status == .ok, "\(json)")
                let matches = Self.largest(json["faces"] as? [[String: Any]] ?? [])?["matches"] as? [[String: Any]] ?? []
                let similarities = matches.compactMap { $0["similarity"] as? Double }
                #expect(similarities == similarities.sorted(by: >), "matches come best first")
                let best = matches.first { $0["image_id"] as? String != Self.relative(path) }
                if let id = best?["face_id"] as? Int, identityOfFace[id] == FacesIdentity.identityOf[path] {
                    correct += 1
                } else {
                    misses.append(Self.relative(path))
                }
            }
            let accuracy = Double(correct) / Double(max(1, queries))
            print("face database on faces_identity: \(correct)/\(queries) queries find their person first (\(accuracy)); misses: \(misses)")
            #expect(queries >= 80)
            #expect(accuracy >= 0.95)
        }
    }

    @Test func uploadsCollectionsReplaceAndDelete() async throws {
        let directory = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("visage.sqlite").path
        let obama = Self.identityRoot.appendingPathComponent("face_recognition/examples/knn_examples/train/obama/obama.jpg")
        let obamaQuery = Self.identityRoot.appendingPathComponent("face_recognition/examples/knn_examples/test/obama1.jpg")
        let biden = Self.identityRoot.appendingPathComponent("face_recognition/examples/knn_examples/train/biden/biden.jpg")
        for file in [obama, obamaQuery, biden] { #expect(FileManager.default.fileExists(atPath: file.path), "\(file.path)") }

        let obamaFaceID: Int
        do {
            let app = VisageApplication.build(services: try TestServices.make(store: try SQLiteFaceStore(path: databasePath)))
            obamaFaceID = try await app.test(.router) { client in
                // Add by multipart upload: `file` defaults to the upload's name.
                var upload = MultipartBody()
                upload.field("image_id", "photo-1")
                upload.file("image", filename: "obama.jpg", try Data(contentsOf: obama), type: "image/jpeg")
                let added = try await Self.send(client, "/facedb/images", upload)
                #expect(added.status == .ok, "\(added.json)")
                #expect(added.json["collection"] as? String == "default" && added.json["file"] as? String == "obama.jpg")
                let faceIDs = added.json["face_ids"] as? [Int] ?? []
                #expect(faceIDs.count == 1 && added.json["replaced"] as? Bool == false)
                let obamaFaceID = faceIDs.first ?? 0

                // Biden by base64 into the same collection, and into another one.
                let bidenBase64 = try Data(contentsOf: biden).base64EncodedString()
                for collection in ["default", "other"] {
                    let (status, json) = try await HTTPJSON.call(
                        client, .post, "/facedb/images",
                        [
                            "image_base64": bidenBase64, "image_id": "photo-2", "file": "s3://bucket/biden.jpg", "collection": collection,
                        ])
                    #expect(status == .ok && (json["face_ids"] as? [Int])?.count == 1, "\(json)")
                }

                // Another photo of Obama finds photo-1 first, with its file, distance and similarity.
                var query = MultipartBody()
                query.file("image", filename: "query.jpg", try Data(contentsOf: obamaQuery))
                query.field("top_k", "5")
                let found = try await Self.send(client, "/facedb/search", query)
                #expect(found.status == .ok, "\(found.json)")
                let face = try #require((found.json["faces"] as? [[String: Any]])?.first)
                let best = try #require((face["matches"] as? [[String: Any]])?.first)
                #expect(best["image_id"] as? String == "photo-1" && best["file"] as? String == "obama.jpg")
                #expect(best["face_id"] as? Int == obamaFaceID)
                let similarity = try #require(best["similarity"] as? Double), distance = try #require(best["distance"] as? Double)
                #expect(abs(distance - (2 - 2 * similarity).squareRoot()) < 0.001)
                // At the default threshold Biden is not a match for Obama.
                #expect((face["matches"] as? [[String: Any]])?.contains { $0["image_id"] as? String == "photo-2" } == false)
                #expect(found.json["searched_faces"] as? Int == 2)

                // Collections are apart: the other one has only Biden, who is no match.
                let other = try await HTTPJSON.call(
                    client, .post, "/facedb/search",
                    ["image_path": obamaQuery.path, "collection": "other"])
                #expect(other.status == .ok)
                #expect(((other.json["faces"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)
                let everyone = try await HTTPJSON.call(
                    client, .post, "/facedb/search",
                    ["image_path": obamaQuery.path, "collection": "other", "max_distance": 2])
                #expect(((everyone.json["faces"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1)

                let list = try await HTTPJSON.call(client, .get, "/facedb/collections")
                let summaries = (list.json["collections"] as? [[String: Any]] ?? []).map { "\($0["name"]!):\($0["images"]!):\($0["faces"]!)" }
                #expect(summaries == ["default:2:2", "other:1:1"])
                return obamaFaceID
            }
        }

        // After a restart the indexes are rebuilt from the file.
        let app = VisageApplication.build(services: try TestServices.make(store: try SQLiteFaceStore(path: databasePath)))
        try await app.test(.router) { client in
            let search = ["image_path": obamaQuery.path]
            let before = try await HTTPJSON.call(client, .post, "/facedb/search", search)
            #expect(Self.bestImageID(before.json) == "photo-1", "\(before.json)")

            // Re-adding photo-1 (now with Biden's photo) replaces its face and id.
            let replaced = try await HTTPJSON.call(client, .post, "/facedb/images", ["image_path": biden.path, "image_id": "photo-1"])
            #expect(replaced.json["replaced"] as? Bool == true && replaced.json["replaced_faces"] as? Int == 1)
            #expect((replaced.json["face_ids"] as? [Int])?.contains(obamaFaceID) == false)
            let afterReplace = try await HTTPJSON.call(client, .post, "/facedb/search", search)
            #expect(Self.bestImageID(afterReplace.json) == nil, "\(afterReplace.json)")
            let stored = try await HTTPJSON.call(client, .get, "/facedb/images/photo-1")
            #expect(stored.json["file"] as? String == biden.path && (stored.json["faces"] as? [Any])?.count == 1)

            // Delete by image_id; then it is unknown.
            let deleted = try await HTTPJSON.call(client, .delete, "/facedb/images/photo-2")
            #expect(deleted.status == .ok && deleted.json["deleted_faces"] as? Int == 1)
            #expect(try await HTTPJSON.call(client, .delete, "/facedb/images/photo-2").status == .notFound)
            #expect(try await HTTPJSON.call(client, .get, "/facedb/images/photo-2").status == .notFound)
            let everyone = try await HTTPJSON.call(client, .post, "/facedb/search", ["image_path": obamaQuery.path, "max_distance": 2])
            let remaining = ((everyone.json["faces"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]] ?? []).map {
                $0["image_id"] as? String
            }
            #expect(remaining == ["photo-1"])

            let dropped = try await HTTPJSON.call(client, .delete, "/facedb/collections/other")
            #expect(dropped.status == .ok && dropped.json["deleted_images"] as? Int == 1)
            #expect(try await HTTPJSON.call(client, .delete, "/facedb/collections/other").status == .notFound)
        }
    }

    @Test func mistakesGetTheirOwnCodes() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let photo = Self.identityRoot.appendingPathComponent("face_recognition/examples/knn_examples/train/obama/obama.jpg").path
        try await app.test(.router) { client in
            let cases: [(String, [String: Any], HTTPResponse.Status, String)] = [
                ("/facedb/images", ["image_path": photo], .badRequest, "invalid_request"),  // no image_id
                ("/facedb/images", ["image_id": "x"], .badRequest, "invalid_request"),  // no image
                ("/facedb/images", ["image_id": "x", "image_path": photo, "image_url": "http://example.com/a.jpg"], .badRequest, "invalid_request"),
                ("/facedb/images", ["image_id": "x", "image_path": photo, "collection": "../etc"], .badRequest, "invalid_collection"),
                ("/facedb/images", ["image_id": "x", "image_base64": "not base64!"], .badRequest, "invalid_base64"),
                ("/facedb/search", ["image_path": photo, "max_distance": 1, "min_similarity": 0.5], .badRequest, "invalid_request"),
                ("/facedb/search", ["image_path": photo, "max_distance": 3], .badRequest, "invalid_request"),
                ("/facedb/search", ["image_path": photo, "top_k": 0], .badRequest, "invalid_request"),
                ("/facedb/search", ["image_path": photo, "top_k": "ten"], .badRequest, "invalid_request"),
                ("/facedb/search", ["image_path": "/no/such/file.jpg"], .notFound, "image_not_found"),
            ]
            for (uri, body, status, code) in cases {
                let (got, json) = try await HTTPJSON.call(client, .post, uri, body)
                #expect(got == status && (json["error"] as? [String: Any])?["code"] as? String == code, "\(uri) \(body.keys.sorted()): \(json)")
            }
            // A multipart body cut off before its closing boundary, and one without a boundary.
            var broken = MultipartBody()
            broken.field("image_id", "x")
            let truncated = try await client.execute(
                uri: "/facedb/images", method: .post, headers: [.contentType: broken.contentType],
                body: ByteBuffer(string: "--\(broken.boundary)\r\nContent-Disposition: form-data; name=\"image_id\"\r\n\r\nx")
            ) {
                ($0.status, HTTPJSON.object($0))
            }
            #expect(truncated.0 == .badRequest, "\(truncated.1)")
            let noBoundary = try await client.execute(
                uri: "/facedb/images", method: .post, headers: [.contentType: "multipart/form-data"],
                body: broken.buffer
            ) { ($0.status, HTTPJSON.object($0)) }
            #expect(noBoundary.0 == .badRequest && (noBoundary.1["error"] as? [String: Any])?["code"] as? String == "invalid_multipart")
            // A search of an empty collection is not an error: there is nothing to match.
            let empty = try await HTTPJSON.call(client, .post, "/facedb/search", ["image_path": photo, "collection": "nobody"])
            #expect(empty.status == .ok && empty.json["searched_faces"] as? Int == 0)
        }
    }

    /// With `VISAGE_INPUT_ROOTS` set, every endpoint that reads server-side paths is confined.
    @Test func pathRootsConfineEveryEndpoint() async throws {
        let inside = Self.identityRoot.appendingPathComponent("face_recognition/examples/knn_examples/train/obama/obama.jpg").path
        let outside = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        try await ImageInputTests.withFetcher(InputPolicy(pathRoots: [Self.identityRoot.path])) { fetcher in
            let app = VisageApplication.build(services: try TestServices.make(fetcher: fetcher))
            try await app.test(.router) { client in
                let requests: [(String, [String: Any])] = [
                    ("/faces/detect", [:]), ("/facedb/images", ["image_id": "a"]), ("/facedb/search", [:]),
                    ("/faces/recognize", ["image_id": "a", "orientation": 1]),
                ]
                for (uri, fields) in requests {
                    let refused = try await HTTPJSON.call(client, .post, uri, fields.merging(["image_path": outside]) { $1 })
                    #expect(
                        refused.status == .forbidden && (refused.json["error"] as? [String: Any])?["code"] as? String == "path_not_allowed",
                        "\(uri): \(refused.json)")
                    let allowed = try await HTTPJSON.call(client, .post, uri, fields.merging(["image_path": inside]) { $1 })
                    #expect(allowed.status == .ok, "\(uri): \(allowed.json)")
                }
            }
        }
    }

    // MARK: Helpers

    static func relative(_ path: String) -> String {
        String(path.dropFirst(identityRoot.path.count + 1))
    }

    static func largest(_ faces: [[String: Any]]) -> [String: Any]? {
        faces.max { area($0) < area($1) }
    }

    static func area(_ face: [String: Any]) -> Double {
        let box = face["box"] as? [String: Any] ?? [:]
        return (box["width"] as? Double ?? 0) * (box["height"] as? Double ?? 0)
    }

    static func bestImageID(_ json: [String: Any]) -> String? {
        ((json["faces"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first?["image_id"] as? String
    }

    static func send(
        _ client: some TestClientProtocol, _ uri: String, _ body: MultipartBody
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: body.contentType], body: body.buffer) {
            ($0.status, HTTPJSON.object($0))
        }
    }
}
