import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VisageAccess
import VisageRecognition
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// The people routes a UI needs beyond the seed's: cluster covers in `/faceinfo`, similar
/// clusters, rejected suggestions, search by photo, cached crops with entity tags, and the
/// server's status. Real photos, the real lite models.
@Suite struct PeopleAPITests {
    static let root = CLI.testdata.appendingPathComponent("faces_identity")

    /// The first `count` photos (by path) of each person.
    static func photos(_ people: [String: Int]) -> [(imageID: String, path: String, person: String)] {
        FacesIdentity.identityOf.keys.sorted().compactMap { path -> (String, String, String)? in
            let person = FacesIdentity.identityOf[path]!
            return people[person] != nil ? (String(path.dropFirst(root.path.count + 1)), path, person) : nil
        }
        .reduce(into: [(imageID: String, path: String, person: String)]()) { kept, photo in
            if kept.filter({ $0.person == photo.2 }).count < people[photo.2]! { kept.append(photo) }
        }
    }

    /// Recognises the photos; returns each image's largest face.
    static func recognize(
        _ photos: [(imageID: String, path: String, person: String)], _ client: some TestClientProtocol
    ) async throws -> [String: Int64] {
        var faceOf: [String: Int64] = [:]
        for photo in photos {
            let (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/recognize", ["image_id": photo.imageID, "image_path": photo.path, "orientation": 1])
            try #require(status == .ok, "recognising \(photo.imageID): \(json)")
            let faces = try #require(json["faces"] as? [[String: Any]])
            if let first = faces.first { faceOf[photo.imageID] = (first["face_id"] as! NSNumber).int64Value }
        }
        return faceOf
    }

    static func int64(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

    static func dot(_ a: [Float]?, _ b: [Float]?) -> Double {
        guard let a, let b else { return -2 }
        return Double(zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 })
    }

    // MARK: Covers and similar clusters

    @Test(arguments: StoreBackend.withFaceStore) func faceInfoCoversAndSimilarClusters(backend: StoreBackend) async throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let services = try TestServices.make(stores: try database.open())
        let store = services.recognition.store
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            _ = try await Self.recognize(Self.photos(["Angelina_Jolie": 4, "Barack_Obama": 4, "Katy_Perry": 3]), client)
            let info = try await HTTPJSON.call(client, .get, "/faceinfo").json
            let clusters = try #require(info["clusters"] as? [[String: Any]])
            try #require(clusters.count >= 3)
            let stored = try store.read { tx in try tx.clusters() }
            for entry in clusters {
                let id = entry["cluster_id"] as! String
                // The best face by quality, then confidence, then lowest id, computed here from the faces.
                let faces = try store.read { try $0.faces(inCluster: id) }
                let best = faces.min {
                    ($0.quality ?? -1, $0.confidence, -$0.id) > ($1.quality ?? -1, $1.confidence, -$1.id)
                }
                #expect(Self.int64(entry["cover_face_id"]) == best?.id, "cover of \(id)")
            }

            // An empty cluster has a null cover.
            let empty = try services.recognition.library.write { try $0.createCluster(model: services.recognition.embeddingModel) }
            let emptyEntry = try await HTTPJSON.call(client, .get, "/faceinfo?cluster_id=\(empty.id)").json
            let emptyCluster = try #require((emptyEntry["clusters"] as? [[String: Any]])?.first)
            #expect(emptyCluster["cover_face_id"] is NSNull)
            var (status, json) = try await HTTPJSON.call(client, .get, "/faces/clusters/\(empty.id)/similar")
            #expect(status == .ok && (json["similar"] as? [Any])?.isEmpty == true, "nothing is like an empty cluster")

            // Similar: every other non-empty cluster, by centroid similarity, best first.
            let target = stored.max { $0.faceCount < $1.faceCount }!
            (status, json) = try await HTTPJSON.call(client, .get, "/faces/clusters/\(target.id)/similar")
            #expect(status == .ok && json["cluster_id"] as? String == target.id)
            let similar = try #require(json["similar"] as? [[String: Any]])
            let others = stored.filter { $0.id != target.id && $0.faceCount > 0 }
            #expect(similar.count == min(20, others.count))
            #expect(!similar.contains { $0["cluster_id"] as? String == target.id || $0["cluster_id"] as? String == empty.id })
            let expected = others.map { ($0.id, Self.dot($0.centroid, target.centroid)) }
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            #expect(similar.map { $0["cluster_id"] as! String } == expected.prefix(20).map(\.0))
            for (entry, want) in zip(similar, expected) {
                #expect(abs((entry["similarity"] as! Double) - want.1) < 1e-3)
                let cluster = others.first { $0.id == want.0 }!
                #expect(entry["face_count"] as? Int == cluster.faceCount)
                #expect(entry.keys.contains("name") && entry.keys.contains("cover_face_id"))
                #expect(Self.int64(entry["cover_face_id"]) != nil)
            }
            (status, json) = try await HTTPJSON.call(client, .get, "/faces/clusters/\(target.id)/similar?limit=1")
            #expect((json["similar"] as? [[String: Any]])?.map { $0["cluster_id"] as! String } == [expected[0].0])

            for bad in ["0", "101", "2.5", "abc", "nan", "-3", "1e9"] {
                (status, json) = try await HTTPJSON.call(client, .get, "/faces/clusters/\(target.id)/similar?limit=\(bad)")
                #expect(status == .badRequest, "limit=\(bad)")
                #expect((json["error"] as? [String: Any])?["code"] as? String == "invalid_request", "limit=\(bad)")
            }
            (status, json) = try await HTTPJSON.call(client, .get, "/faces/clusters/cluster_000000000000/similar")
            #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "cluster_not_found")
        }
    }

    // MARK: Rejected suggestions

    @Test func rejectedSuggestionsStayRejected() async throws {
        let directory = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("visage.sqlite").path
        let photos = Self.photos(["Angelina_Jolie": 4, "Barack_Obama": 4, "Katy_Perry": 3])
        let first = try TestServices.make(store: SQLiteFaceStore(path: databasePath))
        let app = VisageApplication.build(services: first)
        let (unnamed, names): (String, [String]) = try await app.test(.router) { client in
            let faceOf = try await Self.recognize(photos, client)
            let clusterOf = { (imageID: String) throws -> String in
                try #require(try first.recognition.store.read { try $0.face(id: faceOf[imageID]!) }?.clusterID)
            }
            // Name one cluster each for Jolie and Obama; Perry's stay unnamed.
            let jolie = try clusterOf(photos.first { $0.person == "Angelina_Jolie" }!.imageID)
            let obama = try clusterOf(photos.first { $0.person == "Barack_Obama" }!.imageID)
            let perry = try clusterOf(photos.first { $0.person == "Katy_Perry" }!.imageID)
            try #require(Set([jolie, obama, perry]).count == 3)
            var (status, json) = try await HTTPJSON.call(client, .post, "/faces/clusters/\(jolie)/name", ["name": "Angelina Jolie"])
            try #require(status == .ok)
            (status, json) = try await HTTPJSON.call(client, .post, "/faces/clusters/\(obama)/name", ["name": "Barack Obama"])
            try #require(status == .ok)

            // With no threshold, Perry's cluster is offered the nearer of the two names.
            let suggestion = { () async throws -> String? in
                let json = try await HTTPJSON.call(client, .get, "/faces/suggestions?cluster_id=\(perry)&min_similarity=-1").json
                return (json["suggestions"] as? [[String: Any]])?.first?["suggested_name"] as? String
            }
            let first = try #require(try await suggestion())
            let second = first == "Angelina Jolie" ? "Barack Obama" : "Angelina Jolie"

            (status, json) = try await HTTPJSON.call(client, .post, "/faces/suggestions/reject", ["cluster_id": perry, "name": " \(first) "])
            #expect(status == .ok, "\(json)")
            #expect(json["success"] as? Bool == true && json["cluster_id"] as? String == perry)
            #expect((json["message"] as? String)?.contains(first) == true)
            #expect(Set(json.keys) == ["success", "message", "cluster_id"])
            #expect(try await suggestion() == second, "the next best name is suggested")
            // Rejecting twice is harmless.
            (status, _) = try await HTTPJSON.call(client, .post, "/faces/suggestions/reject", ["cluster_id": perry, "name": first])
            #expect(status == .ok)
            (status, _) = try await HTTPJSON.call(client, .post, "/faces/suggestions/reject", ["cluster_id": perry, "name": second])
            #expect(status == .ok)
            #expect(try await suggestion() == nil, "no name is left to suggest")

            // Mistakes.
            let errors: [([String: Any], HTTPResponse.Status, String)] = [
                (["cluster_id": perry, "name": "   "], .badRequest, "invalid_name"),
                (["cluster_id": perry, "name": ""], .badRequest, "invalid_name"),
                (["cluster_id": perry], .badRequest, "invalid_json"),
                (["cluster_id": "", "name": "X"], .badRequest, "invalid_request"),
                (["cluster_id": perry, "name": "A\u{0}B"], .badRequest, "invalid_characters"),
                (["cluster_id": perry, "name": String(repeating: "n", count: 201)], .badRequest, "text_too_long"),
                (["cluster_id": jolie, "name": "Barack Obama"], .badRequest, "invalid_request"),
                (["cluster_id": "cluster_000000000000", "name": "X"], .notFound, "cluster_not_found"),
            ]
            for (body, wantStatus, code) in errors {
                (status, json) = try await HTTPJSON.call(client, .post, "/faces/suggestions/reject", body)
                #expect(status == wantStatus, "\(body)")
                #expect((json["error"] as? [String: Any])?["code"] as? String == code, "\(body): \(json)")
            }
            return (perry, [first, second])
        }

        // Durable: after a restart the names are still not suggested, the audit log says why,
        // and reclustering keeps the rejected faces out of both people.
        let services = try TestServices.make(store: SQLiteFaceStore(path: databasePath))
        let audit = try services.recognition.store.read { try $0.recentAudit(limit: 20) }
        #expect(audit.filter { $0.action == "reject_suggestion" }.count == 3)
        let rejectedFaces = try services.recognition.store.read { try $0.faces(inCluster: unnamed) }.map(\.id)
        try #require(!rejectedFaces.isEmpty)
        try await VisageApplication.build(services: services).test(.router) { client in
            var json = try await HTTPJSON.call(client, .get, "/faces/suggestions?cluster_id=\(unnamed)&min_similarity=-1").json
            #expect((json["suggestions"] as? [Any])?.isEmpty == true)
            let (status, _) = try await HTTPJSON.call(client, .post, "/faces/recluster")
            #expect(status == .ok)
            json = try await HTTPJSON.call(client, .get, "/faces/suggestions?min_similarity=-1").json
            for entry in json["suggestions"] as? [[String: Any]] ?? [] {
                let members = try services.recognition.store.read { try $0.faces(inCluster: entry["cluster_id"] as! String) }
                if members.contains(where: { rejectedFaces.contains($0.id) }) {
                    #expect(!names.contains(entry["suggested_name"] as! String), "a rejected name came back: \(entry)")
                }
            }
            for name in names {
                let person = try await HTTPJSON.call(client, .get, "/faces/people/\(name.replacingOccurrences(of: " ", with: "%20"))").json
                let ids = (person["faces"] as? [[String: Any]] ?? []).compactMap { Self.int64($0["face_id"]) }
                #expect(Set(ids).isDisjoint(with: rejectedFaces), "a rejected face was grouped with \(name)")
            }

            // The user changes their mind: naming a cluster with the name withdraws the decision
            // for its faces; the other name stays rejected.
            let faceNow = rejectedFaces[0]
            let clusterNow = try #require(try services.recognition.store.read { try $0.face(id: faceNow) }?.clusterID)
            let (named, _) = try await HTTPJSON.call(client, .post, "/faces/clusters/\(clusterNow)/name", ["name": names[0]])
            #expect(named == .ok)
            let constraints = try services.recognition.store.read { try $0.constraints(forFace: faceNow) }
            #expect(!constraints.contains { $0.kind == .cannotLink && $0.target == .person(names[0]) })
            #expect(constraints.contains { $0.kind == .cannotLink && $0.target == .person(names[1]) })
        }
    }

    // MARK: Search by photo

    @Test(arguments: StoreBackend.withFaceStore) func searchFindsTheSamePeopleAndStoresNothing(backend: StoreBackend) async throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let services = try TestServices.make(stores: try database.open())
        let app = VisageApplication.build(services: services)
        let photos = Self.photos(["Angelina_Jolie": 5, "Barack_Obama": 5])
        let stored = Array(photos.filter { $0.person == "Barack_Obama" }.prefix(4)) + photos.filter { $0.person == "Angelina_Jolie" }
        let query = photos.filter { $0.person == "Barack_Obama" }.last!
        try await app.test(.router) { client in
            let faceOf = try await Self.recognize(stored, client)
            let personOfImage = Dictionary(uniqueKeysWithValues: stored.map { ($0.imageID, $0.person) })
            let obamaFace = try #require(faceOf[stored[0].imageID])
            let obamaCluster = try #require(try services.recognition.store.read { try $0.face(id: obamaFace) }?.clusterID)
            var (status, json) = try await HTTPJSON.call(client, .post, "/faces/clusters/\(obamaCluster)/name", ["name": "Barack Obama"])
            try #require(status == .ok)
            let before = try await HTTPJSON.call(client, .get, "/faceinfo").json["total_faces"] as? Int

            // A photo of Obama that was never recognised: his faces come first.
            (status, json) = try await HTTPJSON.call(client, .post, "/faces/search", ["image_path": query.path, "top_k": 3])
            #expect(status == .ok, "\(json)")
            let faces = try #require(json["faces"] as? [[String: Any]])
            try #require(!faces.isEmpty)
            #expect((json["models_used"] as? [String: String])?.isEmpty == false)
            let face = faces[0]
            #expect((face["bbox"] as? [Double])?.count == 4 && (face["confidence"] as? Double ?? 0) > 0.5)
            let matches = try #require(face["matches"] as? [[String: Any]])
            try #require(!matches.isEmpty && matches.count <= 3)
            let similarities = matches.map { $0["similarity"] as! Double }
            #expect(similarities == similarities.sorted(by: >))
            let threshold = services.recognition.clusteringParameters.samePersonSimilarity
            #expect(similarities.allSatisfy { $0 >= threshold - 1e-4 })
            #expect(personOfImage[matches[0]["image_id"] as! String] == "Barack_Obama", "\(matches)")
            for match in matches {
                let id = try #require(Self.int64(match["face_id"]))
                let storedFace = try #require(try services.recognition.store.read { try $0.face(id: id) })
                #expect(match["cluster_id"] as? String == storedFace.clusterID)
                #expect(match.keys.contains("name"))
                if storedFace.clusterID == obamaCluster { #expect(match["name"] as? String == "Barack Obama") }
            }

            // The same photo as an upload and as base64: the same answer.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: query.path))
            var form = MultipartBody()
            form.field("top_k", "3")
            form.file("file", filename: "query.jpg", bytes, type: "image/jpeg")
            let uploaded = try await client.execute(
                uri: "/faces/search", method: .post, headers: [.contentType: form.contentType], body: form.buffer
            ) { response in (response.status, HTTPJSON.object(response)) }
            #expect(uploaded.0 == .ok)
            #expect(
                ((uploaded.1["faces"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.map { Self.int64($0["face_id"]) }
                    == matches.map { Self.int64($0["face_id"]) })
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/search", ["image_base64": bytes.base64EncodedString(), "top_k": 1, "min_similarity": -1])
            #expect(status == .ok)
            #expect(((json["faces"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.count == 1)

            // A recognised photo finds its own face first, at similarity 1.
            (status, json) = try await HTTPJSON.call(client, .post, "/faces/search", ["image_path": stored[0].path, "min_similarity": 0.99])
            let own = ((json["faces"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first
            #expect(Self.int64(own?["face_id"]) == obamaFace && (own?["similarity"] as? Double ?? 0) > 0.99)

            let after = try await HTTPJSON.call(client, .get, "/faceinfo").json["total_faces"] as? Int
            #expect(after == before, "a search stores nothing")

            let mistakes: [([String: Any], HTTPResponse.Status, String)] = [
                (["image_path": query.path, "top_k": 0], .badRequest, "invalid_request"),
                (["image_path": query.path, "top_k": 101], .badRequest, "invalid_request"),
                (["image_path": query.path, "top_k": 2.5], .badRequest, "invalid_request"),
                (["image_path": query.path, "min_similarity": 1.5], .badRequest, "invalid_request"),
                (["image_path": query.path, "min_similarity": "x"], .badRequest, "invalid_request"),
                (["top_k": 3], .badRequest, "invalid_request"),
                (["image_path": query.path, "image_base64": "AAAA"], .badRequest, "invalid_request"),
                (["image_path": "/nonexistent/photo.jpg"], .notFound, "image_not_found"),
            ]
            for (body, wantStatus, code) in mistakes {
                (status, json) = try await HTTPJSON.call(client, .post, "/faces/search", body)
                #expect(status == wantStatus, "\(body)")
                #expect((json["error"] as? [String: Any])?["code"] as? String == code, "\(body): \(json)")
            }
        }
    }

    // MARK: Crops

    @Test func cropsHaveEntityTagsAndComeFromTheCache() async throws {
        let directory = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = Self.photos(["Barack_Obama": 1])[0]
        let copy = directory.appendingPathComponent("obama.jpg")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: photo.path), to: copy)
        let services = try TestServices.make()
        let cache = services.recognition.cropCache
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            let faceOf = try await Self.recognize([(imageID: "obama", path: copy.path, person: photo.person)], client)
            let face = try #require(faceOf["obama"])
            func crop(_ uri: String, _ headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, HTTPFields, Data) {
                try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, $0.headers, Data(buffer: $0.body)) }
            }
            let start = cache.statistics
            let (status, headers, jpeg) = try await crop("/faces/\(face)/crop")
            #expect(status == .ok && headers[.contentType] == "image/jpeg" && jpeg.starts(with: [0xFF, 0xD8]))
            #expect(headers[.cacheControl] == "private, max-age=300")
            let etag = try #require(headers[.eTag])
            #expect(etag.hasPrefix("\"\(face)-160-") && etag.hasSuffix("\""))
            #expect(cache.statistics.misses == start.misses + 1, "the first crop decodes")

            // Again: the same bytes and tag, from the cache (no decode).
            let (status2, headers2, jpeg2) = try await crop("/faces/\(face)/crop")
            #expect(status2 == .ok && jpeg2 == jpeg && headers2[.eTag] == etag)
            #expect(cache.statistics.misses == start.misses + 1 && cache.statistics.hits == start.hits + 1)

            // The client has it: 304, no body, and the cache isn't even asked.
            for known in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let (status3, headers3, body3) = try await crop("/faces/\(face)/crop", [.ifNoneMatch: known])
                #expect(status3 == .notModified && body3.isEmpty && headers3[.eTag] == etag, "If-None-Match: \(known)")
            }
            #expect(cache.statistics.misses == start.misses + 1 && cache.statistics.hits == start.hits + 1)
            let (status4, _, body4) = try await crop("/faces/\(face)/crop", [.ifNoneMatch: "\"\(face)-160-0\""])
            #expect(status4 == .ok && body4 == jpeg)

            // Another size is another crop and another tag.
            let (_, headers5, jpeg5) = try await crop("/faces/\(face)/crop?size=64")
            #expect(headers5[.eTag] != etag && headers5[.eTag]?.hasPrefix("\"\(face)-64-") == true && jpeg5 != jpeg)
            #expect(cache.statistics.misses == start.misses + 2)

            // The file changes on disk: a new tag, and the old one no longer answers 304.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: copy.path)
            let (status6, headers6, _) = try await crop("/faces/\(face)/crop", [.ifNoneMatch: etag])
            #expect(status6 == .ok && headers6[.eTag] != etag && headers6[.eTag] != nil)
            #expect(cache.statistics.misses == start.misses + 3)

            // The file is gone: not served from the cache, and no tag matches any more.
            try FileManager.default.removeItem(at: copy)
            let (status7, _, body7) = try await crop("/faces/\(face)/crop", [.ifNoneMatch: headers6[.eTag]!])
            #expect(status7 == .notFound, "\(String(decoding: body7, as: UTF8.self))")
            let (status7b, _, _) = try await crop("/faces/\(face)/crop", [.ifNoneMatch: "*"])
            #expect(status7b == .notFound, "a file that is gone is never \"not modified\"")
            let (status8, _, _) = try await crop("/faces/999999/crop")
            #expect(status8 == .notFound)
        }
    }

    @Test func cropCacheStaysWithinItsBounds() {
        let cache = FaceCropCache(maxEntries: 8, maxBytes: 100)
        for index in 0..<20 { cache.insert(Data(repeating: 1, count: 10), for: "k\(index)") }
        #expect(cache.statistics.entries <= 8 && cache.statistics.bytes <= 100)
        #expect(cache.value(for: "k19") != nil, "the newest crop stays")
        #expect(cache.value(for: "k0") == nil, "the oldest went first")
        cache.insert(Data(repeating: 2, count: 60), for: "big")
        #expect(cache.statistics.bytes <= 100 && cache.value(for: "big") != nil)
        cache.insert(Data(repeating: 3, count: 101), for: "too big")
        #expect(cache.value(for: "too big") == nil)
    }

    // MARK: Status

    @Test func statusCountsTheLibraryAndTheWork() async throws {
        let directory = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteFaceStore(path: directory.appendingPathComponent("visage.sqlite").path)
        let services = try TestServices.make(store: store, concurrentJobs: 3, maxQueued: 7)
        let app = VisageApplication.build(services: services)
        try await app.test(.router) { client in
            // While there are no keys the API is open, as on a loopback server.
            var (status, json) = try await HTTPJSON.call(client, .get, "/api/status")
            try #require(status == .ok, "\(json)")
            let database = try #require(json["database"] as? [String: Any])
            #expect((database["bytes"] as? Int ?? 0) > 0)
            #expect(database["images"] as? Int == 0 && database["faces"] as? Int == 0 && database["clusters"] as? Int == 0)
            #expect(json["work"] as? [String: Int] == ["workers": 3, "running": 0, "queued": 0, "max_queued": 7])
            #expect(json["review"] as? [String: Bool] == ["configured": false])

            let reader = try services.access.keys.create(name: "reader", scopes: [.facesRead, .facesWrite], creator: nil).key
            (status, _) = try await Self.get(client, "/api/status", key: reader)
            #expect(status == .forbidden, "admin only")
            (status, _) = try await HTTPJSON.call(client, .get, "/api/status")
            #expect(status == .unauthorized, "closed once there are keys")
        }

        let admin = try services.access.keys.create(name: "admin2", scopes: [.admin, .facesWrite, .facesRead], creator: nil).key
        try await app.test(.router) { client in
            let photos = Self.photos(["Angelina_Jolie": 2, "Barack_Obama": 1])
            for photo in photos {
                let (status, _) = try await Self.post(
                    client, "/faces/recognize", ["image_id": photo.imageID, "image_path": photo.path, "orientation": 1], key: admin)
                try #require(status == .ok)
            }
            let cluster = try #require(try store.read { try $0.clusters() }.first)
            _ = try await Self.post(client, "/faces/clusters/\(cluster.id)/name", ["name": "Someone"], key: admin)
            var settings = try store.routingSettings()
            settings.reviewPath = directory.path
            try store.saveRoutingSettings(settings, actor: nil)

            let (status, json) = try await Self.get(client, "/api/status", key: admin)
            #expect(status == .ok)
            let database = try #require(json["database"] as? [String: Any])
            let counts = try store.read { try $0.libraryCounts() }
            #expect(database["images"] as? Int == 3 && counts.images == 3)
            #expect(database["faces"] as? Int == counts.faces && counts.faces >= 3)
            #expect(database["clusters"] as? Int == counts.clusters && counts.clusters >= 2)
            #expect(database["named_clusters"] as? Int == 1)
            #expect((database["bytes"] as? Int ?? 0) >= Int(store.diskUsage() ?? 0) / 2)
            #expect(json["review"] as? [String: Bool] == ["configured": true])
        }
        #expect(try SQLiteFaceStore.inMemory().diskUsage() == nil)
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, key: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(key)"]) { ($0.status, HTTPJSON.object($0)) }
    }

    static func post(
        _ client: some TestClientProtocol, _ uri: String, _ body: [String: Any], key: String
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: uri, method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: HTTPJSON.body(body)
        ) { ($0.status, HTTPJSON.object($0)) }
    }
}
