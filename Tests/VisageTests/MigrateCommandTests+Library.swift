import Foundation
import Testing
import VisagePostgres
import VisageSQLite
import VisageStorage

/// The library `MigrateCommandTests` migrates, made the way a user makes one, and its helpers.
extension MigrateCommandTests {
    static let photos: [String: [String]] = {
        let byPerson = Dictionary(grouping: FacesIdentity.identityOf.keys.sorted(), by: { FacesIdentity.identityOf[$0]! })
        return ["obama": Array(byPerson["Barack_Obama"]!.prefix(4)), "jolie": Array(byPerson["Angelina_Jolie"]!.prefix(2))]
    }()

    static func imageID(_ path: String) -> String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }

    static func ms(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000) }

    static func migrate(_ data: URL, to url: PostgresURL) async -> CLI.Result {
        await CLI.running(["migrate", "--from", "sqlite:\(data.path)", "--to", url.redacted])
    }

    /// A SQLite library with every kind of row: faces and people (a name, a correction), a
    /// face-database image, a reference, an image embedding, a classifier, a finished move, a key.
    /// Returns the key and the face ids of the face-database image.
    static func makeLibrary(in data: URL) async throws -> (key: String, facedbFaceIDs: [Int]) {
        let serve = try ServeProcess(data: data)
        defer { serve.kill() }
        try await serve.waitUntilHealthy()
        for path in photos["obama"]!.prefix(3) + photos["jolie"]! {
            let (status, json) = try await serve.request(
                "POST", "/faces/recognize", ["image_id": imageID(path), "image_path": path, "orientation": 1])
            #expect(status == 200, "\(json)")
        }
        let obama = try await faces(of: photos["obama"]![0], on: serve)[0]["cluster_id"] as! String
        var (status, json) = try await serve.request("POST", "/faces/clusters/\(obama)/name", ["name": "Barack Obama"])
        #expect(status == 200, "\(json)")
        (status, json) = try await serve.request("POST", "/faces/correct", ["image_id": imageID(photos["jolie"]![1]), "person_name": "Not Jolie"])
        #expect(status == 200, "\(json)")
        (status, json) = try await serve.request("POST", "/facedb/images", ["image_id": "db-1", "image_path": photos["jolie"]![0]])
        #expect(status == 200 || status == 201, "\(json)")
        (status, json) = try await serve.request("POST", "/references", ["person_name": "Barack Obama", "image_path": photos["obama"]![0]])
        #expect(status == 201, "\(json)")
        let facedbFaceIDs = faceIDs(try await serve.request("GET", "/facedb/images/db-1").1)
        serve.kill()

        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        let images = try SQLiteImageEmbeddings(store: store)
        _ = try images.store(
            ImageEmbedding(
                imageID: "clip-1", imagePath: nil, model: "tiny-clip",
                vector: {
                    var random = SeededRandom(seed: 3); return random.unitVector(8)
                }()))
        let counts = ClassifierCounts(
            trainingPositives: 4, trainingNegatives: 4, truePositives: 1, falsePositives: 0, trueNegatives: 1, falseNegatives: 0)
        _ = try store.addClassifierVersion(
            StoredClassifierVersion(
                collectionID: 7, version: 1, embeddingTypes: ["clip"], dimensions: [3], weights: [0.25, -1.5, 3e-8], bias: 0.1,
                threshold: 0.5, regularization: 1, heldOutFraction: 0.25, seed: UInt64.max, counts: counts, macroPrecision: 1,
                createdAt: Date()),
            discard: { _ in [] })
        try store.saveRoutingSettings(FaceRoutingSettings(tolerance: 0.5, personName: "Barack Obama"), actor: "test")
        let hash = String(repeating: "ab", count: 32)
        let routed = RoutedFile(
            contentHash: hash, originalPath: "/inbox/a.jpg", routedTo: "/library/a.jpg", hasMatch: true, personName: "Barack Obama",
            routedAt: Date())
        try store.renewRoutingOwner(RoutingOwner(id: "test", machine: nil, pid: 0), lease: 600)
        let move = try store.planMove(
            source: "/inbox/a.jpg", destination: "/library/a.jpg", contentHash: hash, size: 10, reason: "match", routed: routed,
            owner: "test")
        try store.finishMove(move.id, owner: "test", state: .done, audit: (action: "route", actor: nil, detailJSON: nil))

        let created = await CLI.running([
            "keys", "create", "--name", "photos", "--scope", "faces:read", "faces:write", "facedb:read", "review", "--data", data.path,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        return (try #require(created.jsonLines.first?["key"] as? String), facedbFaceIDs)
    }

    static func faceIDs(_ facedbImage: [String: Any]) -> [Int] {
        (facedbImage["faces"] as? [[String: Any]] ?? []).compactMap { $0["face_id"] as? Int }
    }

    static func faces(of path: String, on serve: ServeProcess, key: String? = nil) async throws -> [[String: Any]] {
        let (_, json) = try await serve.request("GET", "/images/\(imageID(path))", key: key)
        return json["faces"] as? [[String: Any]] ?? []
    }
}
