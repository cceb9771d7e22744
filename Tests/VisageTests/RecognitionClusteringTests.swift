import Foundation
import HummingbirdTesting
import Testing
import VisageClustering
import VisagePeopleBench
import VisageSQLite
import VisageStorage

@testable import VisageServer

/// People built through `POST /faces/recognize` from every photo of faces_identity, posted in
/// random order, scored against the manifest and against Immich's algorithm on the same
/// embeddings; then `POST /faces/recluster`.
@Suite struct RecognitionClusteringTests {
    static let root = CLI.testdata.appendingPathComponent("faces_identity")

    /// Clusters as the API reports them: /faceinfo, then each cluster's faces.
    static func clusters(_ client: some TestClientProtocol) async throws -> [[Int64]] {
        let info = try await HTTPJSON.call(client, .get, "/faceinfo").json
        var groups: [[Int64]] = []
        for cluster in info["clusters"] as? [[String: Any]] ?? [] {
            let id = cluster["cluster_id"] as! String
            let faces = try await HTTPJSON.call(client, .get, "/faces/clusters/\(id)/faces").json["faces"] as? [[String: Any]] ?? []
            groups.append(faces.compactMap { ($0["face_id"] as? NSNumber)?.int64Value })
        }
        return groups
    }

    @Test func incrementalAndReclusteredPeopleBeatImmich() async throws {
        let store = try SQLiteFaceStore.inMemory()
        let services = try TestServices.make(store: store)
        let app = VisageApplication.build(services: services)
        var generator = SeededRandom(seed: 7)
        let paths = FacesIdentity.identityOf.keys.sorted().shuffled(using: &generator)
        try #require(paths.count >= 100)

        try await app.test(.router) { client in
            var truth: [Int64: String] = [:]
            for path in paths {
                let imageID = String(path.dropFirst(Self.root.path.count + 1))
                let (status, json) = try await HTTPJSON.call(
                    client, .post, "/faces/recognize",
                    ["image_id": imageID, "image_path": path, "orientation": 1])
                #expect(status == .ok, "\(imageID): \(json)")
                // Faces come largest first; the largest is the manifest's person.
                if let first = (json["faces"] as? [[String: Any]])?.first, let id = (first["face_id"] as? NSNumber)?.int64Value {
                    truth[id] = FacesIdentity.identityOf[path]
                }
            }
            let incremental = BCubedScore(clusters: try await Self.clusters(client), truth: truth)

            // Immich on the same embeddings, in the same (arrival) order.
            let stored = try store.faces(embeddingModel: services.recognition.embeddingModel)
            let imageOf = try store.imageIDs(ofFaces: stored.map(\.id))
            let nodes = stored.map { FaceNode(id: $0.id, imageID: imageOf[$0.id]!, embedding: $0.embedding) }
            let immich = BCubedScore(clusters: try ImmichBaseline.cluster(nodes), truth: truth)

            let (status, summary) = try await HTTPJSON.call(client, .post, "/faces/recluster")
            #expect(status == .ok)
            #expect(summary["faces"] as? Int == stored.count)
            let reclustered = BCubedScore(clusters: try await Self.clusters(client), truth: truth)
            print(
                "people from faces_identity over HTTP (\(stored.count) faces): Immich \(immich); Visage incremental \(incremental); after recluster \(reclustered)"
            )
            #expect(incremental.f1 >= immich.f1)
            #expect(reclustered.f1 >= immich.f1)
            #expect(reclustered.precision >= 0.95, "people must not be mixed up")
        }
    }
}
