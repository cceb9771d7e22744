import Foundation
import HummingbirdTesting
import Testing
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// The user's decisions through the API: naming, renaming, correcting, splitting, merging;
/// all of them survive `POST /faces/recluster` and a restart on the same database file.
@Suite struct RecognitionDecisionsTests {
    static let root = CLI.testdata.appendingPathComponent("faces_identity")

    /// Several photos of three people with many photos each.
    static let photos: [(imageID: String, path: String, person: String)] = {
        let wanted: Set = ["Angelina_Jolie", "Barack_Obama", "Katy_Perry"]
        return FacesIdentity.identityOf.filter { wanted.contains($0.value) }.keys.sorted().map { path in
            (String(path.dropFirst(root.path.count + 1)), path, FacesIdentity.identityOf[path]!)
        }
    }()

    struct Snapshot: Equatable {
        var clusterOfFace: [Int64: String] = [:]
        var nameOfCluster: [String: String] = [:]
    }

    static func snapshot(_ client: some TestClientProtocol) async throws -> Snapshot {
        var snapshot = Snapshot()
        let info = try await HTTPJSON.call(client, .get, "/faceinfo").json
        for cluster in info["clusters"] as? [[String: Any]] ?? [] {
            let id = cluster["cluster_id"] as! String
            if let name = cluster["name"] as? String { snapshot.nameOfCluster[id] = name }
            let faces = try await HTTPJSON.call(client, .get, "/faces/clusters/\(id)/faces").json["faces"] as? [[String: Any]] ?? []
            for face in faces { snapshot.clusterOfFace[(face["face_id"] as! NSNumber).int64Value] = id }
        }
        return snapshot
    }

    @Test(arguments: StoreBackend.withFaceStore) func decisionsSurviveReclusterAndRestart(backend: StoreBackend) async throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let app = VisageApplication.build(services: try TestServices.make(stores: try database.open()))
        let (before, faceOf): (Snapshot, [String: Int64]) = try await app.test(.router) { client in
            var faceOf: [String: Int64] = [:]  // image id -> its largest face
            for photo in Self.photos {
                let json = try await HTTPJSON.call(
                    client, .post, "/faces/recognize",
                    ["image_id": photo.imageID, "image_path": photo.path, "orientation": 1]
                ).json
                let first = (json["faces"] as! [[String: Any]])[0]
                faceOf[photo.imageID] = (first["face_id"] as! NSNumber).int64Value
            }
            var snapshot = try await Self.snapshot(client)
            let jolie = Self.photos.filter { $0.person == "Angelina_Jolie" }.map { faceOf[$0.imageID]! }
            let obama = Self.photos.filter { $0.person == "Barack_Obama" }.map { faceOf[$0.imageID]! }
            let perry = Self.photos.filter { $0.person == "Katy_Perry" }

            // Name Jolie's cluster, then rename her.
            let jolieCluster = snapshot.clusterOfFace[jolie[0]]!
            var (status, json) = try await HTTPJSON.call(client, .post, "/faces/clusters/\(jolieCluster)/name", ["name": "Angelina"])
            #expect(status == .ok && json["success"] as? Bool == true)
            (status, json) = try await HTTPJSON.call(client, .post, "/faces/rename", ["old_name": "Angelina", "new_name": "Angelina Jolie"])
            #expect(status == .ok)
            let jolieCount = snapshot.clusterOfFace.values.filter { $0 == jolieCluster }.count
            #expect(json["message"] as? String == "Updated 'Angelina' to 'Angelina Jolie' (1 clusters, \(jolieCount) faces)")

            // Correct one of Perry's photos to a made-up person: a new cluster for them.
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/correct",
                [
                    "image_id": perry[0].imageID, "person_name": "Not Katy",
                    "face_id": faceOf[perry[0].imageID]!,
                ])
            #expect(status == .ok)
            #expect(json["action_taken"] as? String == "created_new_cluster")
            #expect(json["message"] as? String == "Created new cluster for Not Katy")
            let notKatyCluster = json["cluster_id"] as! String
            // A second correction to the same person joins that cluster.
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/correct",
                [
                    "image_id": perry[1].imageID, "person_name": "Not Katy",
                    "face_id": faceOf[perry[1].imageID]!,
                ])
            #expect(json["action_taken"] as? String == "moved_to_existing" && json["cluster_id"] as? String == notKatyCluster)

            // Split two of Obama's faces out of his cluster.
            let obamaCluster = snapshot.clusterOfFace[obama[0]]!
            let obamaMembers = obama.filter { snapshot.clusterOfFace[$0] == obamaCluster }
            try #require(obamaMembers.count >= 4)
            let splitOut = Array(obamaMembers.suffix(2))
            (status, json) = try await HTTPJSON.call(client, .post, "/faces/clusters/\(obamaCluster)/split", ["face_ids": splitOut])
            #expect(status == .ok && json["face_count"] as? Int == 2)

            snapshot = try await Self.snapshot(client)
            #expect(snapshot.nameOfCluster[jolieCluster] == "Angelina Jolie")
            #expect(snapshot.clusterOfFace[splitOut[0]] == snapshot.clusterOfFace[splitOut[1]])
            #expect(snapshot.clusterOfFace[splitOut[0]] != snapshot.clusterOfFace[obamaMembers[0]])

            // Recluster: every decision holds.
            (status, _) = try await HTTPJSON.call(client, .post, "/faces/recluster")
            #expect(status == .ok)
            let after = try await Self.snapshot(client)
            #expect(after.nameOfCluster[jolieCluster] == "Angelina Jolie", "named cluster keeps its id and name")
            for face in jolie where snapshot.clusterOfFace[face] == jolieCluster {
                #expect(after.clusterOfFace[face] == jolieCluster)
            }
            #expect(after.clusterOfFace[faceOf[perry[0].imageID]!] == notKatyCluster)
            #expect(after.clusterOfFace[faceOf[perry[1].imageID]!] == notKatyCluster)
            #expect(after.nameOfCluster[notKatyCluster] == "Not Katy")
            #expect(after.clusterOfFace[splitOut[0]] == after.clusterOfFace[splitOut[1]])
            #expect(after.clusterOfFace[splitOut[0]] != after.clusterOfFace[obamaMembers[0]], "a split is never undone")
            #expect(after.clusterOfFace[obamaMembers[0]] == after.clusterOfFace[obamaMembers[1]])
            return (after, faceOf)
        }

        // Restart: a new service on the same database sees the same people.
        let restarted = VisageApplication.build(services: try TestServices.make(stores: try database.open()))
        try await restarted.test(.router) { client in
            let again = try await Self.snapshot(client)
            #expect(again == before)
            // And it keeps recognising into the same people: a re-post keeps face and cluster.
            let photo = Self.photos[0]
            let json = try await HTTPJSON.call(
                client, .post, "/faces/recognize",
                ["image_id": photo.imageID, "image_path": photo.path, "orientation": 1]
            ).json
            let first = (json["faces"] as! [[String: Any]])[0]
            let faceID = (first["face_id"] as! NSNumber).int64Value
            #expect(faceID == faceOf[photo.imageID])
            #expect((first["cluster"] as? [String: Any])?["cluster_id"] as? String == before.clusterOfFace[faceID])
        }
    }

    @Test(arguments: StoreBackend.withFaceStore) func suggestionsMergeDeleteAndCrops(backend: StoreBackend) async throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let app = VisageApplication.build(services: try TestServices.make(stores: try database.open()))
        try await app.test(.router) { client in
            let obama = Self.photos.filter { $0.person == "Barack_Obama" }
            var faces: [Int64] = []
            for photo in obama {
                let json = try await HTTPJSON.call(
                    client, .post, "/faces/recognize",
                    ["image_id": photo.imageID, "image_path": photo.path, "orientation": 1]
                ).json
                faces.append(((json["faces"] as! [[String: Any]])[0]["face_id"] as! NSNumber).int64Value)
            }
            let snapshot = try await Self.snapshot(client)
            let cluster = snapshot.clusterOfFace[faces[0]]!
            let members = faces.filter { snapshot.clusterOfFace[$0] == cluster }
            try #require(members.count >= 4)
            _ = try await HTTPJSON.call(client, .post, "/faces/clusters/\(cluster)/name", ["name": "Barack Obama"])
            let split = try await HTTPJSON.call(
                client, .post, "/faces/clusters/\(cluster)/split",
                ["face_ids": Array(members.suffix(2))]
            ).json
            let splitCluster = split["cluster_id"] as! String

            // The split-off half looks like Obama, but the split said it is someone else: his name
            // is forbidden to its faces, so it is never suggested for it, however low the bar.
            var (status, json) = try await HTTPJSON.call(client, .get, "/faces/suggestions?cluster_id=\(splitCluster)&min_similarity=-1")
            #expect(status == .ok)
            #expect((json["suggestions"] as? [Any])?.isEmpty == true, "\(json)")
            // Suggestions are for unnamed clusters only.
            json = try await HTTPJSON.call(client, .get, "/faces/suggestions?cluster_id=\(cluster)&min_similarity=-1").json
            #expect((json["suggestions"] as? [Any])?.isEmpty == true)

            // Merge it back; the person lists every face.
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/clusters/merge",
                ["source_cluster_id": splitCluster, "target_cluster_id": cluster])
            #expect(status == .ok && json["face_count"] as? Int == members.count)
            json = try await HTTPJSON.call(client, .get, "/faces/people/Barack%20Obama").json
            #expect(json["face_count"] as? Int == members.count)
            (status, _) = try await HTTPJSON.call(client, .get, "/faceinfo?cluster_id=\(splitCluster)")
            #expect(status == .notFound, "the merged cluster is gone")

            // A crop for a UI, then delete the face.
            let crop = try await client.execute(uri: "/faces/\(members[0])/crop?size=128", method: .get) { response in
                (response.status, response.headers[.contentType], Data(buffer: response.body))
            }
            #expect(crop.0 == .ok && crop.1 == "image/jpeg")
            #expect(crop.2.prefix(2) == Data([0xFF, 0xD8]))
            (status, _) = try await HTTPJSON.call(client, .delete, "/faces/\(members[0])")
            #expect(status == .ok)
            json = try await HTTPJSON.call(client, .get, "/faces/people/Barack%20Obama").json
            #expect(json["face_count"] as? Int == members.count - 1)
            (status, json) = try await HTTPJSON.call(client, .delete, "/faces/\(members[0])")
            #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "face_not_found")

            // Two people with different names are not merged silently.
            let other = try await HTTPJSON.call(
                client, .post, "/faces/clusters/\(cluster)/split",
                ["face_ids": [members[1]], "name": "Someone Else"]
            ).json
            let otherCluster = other["cluster_id"] as! String
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/clusters/merge",
                ["source_cluster_id": otherCluster, "target_cluster_id": cluster])
            #expect(status == .conflict && (json["error"] as? [String: Any])?["code"] as? String == "merge_name_conflict")
            // A cluster into itself is a caller mistake; an unknown one is a 404 whether or not
            // the two ids are equal (the order openapi.json promises).
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/clusters/merge", ["source_cluster_id": cluster, "target_cluster_id": cluster])
            #expect(status == .badRequest && (json["error"] as? [String: Any])?["code"] as? String == "invalid_request")
            (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/clusters/merge", ["source_cluster_id": "cluster_gone", "target_cluster_id": "cluster_gone"])
            #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "cluster_not_found")

            // Forgetting an image removes its faces from its people.
            let image = "/images/" + obama.last!.imageID.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let before = try await HTTPJSON.call(client, .get, image).json["face_count"] as? Int
            #expect((before ?? 0) >= 1)
            (status, json) = try await HTTPJSON.call(client, .delete, image)
            #expect(status == .ok && json["faces"] as? Int == before)
            (status, json) = try await HTTPJSON.call(client, .get, image)
            #expect(status == .notFound && (json["error"] as? [String: Any])?["code"] as? String == "image_unknown")
        }
    }
}
