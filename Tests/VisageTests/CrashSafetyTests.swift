import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `visage serve` killed with SIGKILL in the middle of a stream of recognise and face-database
/// requests: after a restart on the same library (data directory or PostgreSQL database) every
/// acknowledged face is there, and no image is half-written.
@Suite struct CrashSafetyTests {
    /// Acknowledged image -> its face ids.
    actor Acknowledged {
        var faces: [String: Set<Int64>] = [:]
        func add(_ imageID: String, _ ids: Set<Int64>) { faces[imageID] = ids }
        var count: Int { faces.count }
    }

    /// The library in the data directory's SQLite file, or in a PostgreSQL database.
    @Test(arguments: ["sqlite", "postgres"]) func sigkillLosesNoAcknowledgedFace(backend: String) async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        var environment: [String: String] = [:]
        var dropDatabase: () -> Void = {}
        defer { dropDatabase() }
        if backend == "postgres" {
            let (url, drop) = try TestPostgres.makeDatabase()
            dropDatabase = drop
            // The tests' server has no password, so the redacted URL is the whole URL.
            environment["VISAGE_DATABASE_URL"] = url.redacted
        }
        let root = CLI.testdata.appendingPathComponent("faces_identity")
        let photos = Array(FacesIdentity.identityOf.keys.sorted().prefix(40))
        let server = try ServeProcess(data: data, environment: environment)
        try await server.waitUntilHealthy()

        let acknowledged = Acknowledged(), acknowledgedInDatabase = Acknowledged()
        let clients = 3
        await withTaskGroup(of: Void.self) { group in
            // Alongside, a client adding the same photos to the face database (seed 002).
            group.addTask {
                for path in photos {
                    let imageID = String(path.dropFirst(root.path.count + 1))
                    guard
                        let (status, json) = try? await server.request(
                            "POST", "/facedb/images",
                            ["image_id": imageID, "image_path": path, "min_face_size": 0]),
                        status == 200
                    else { return }
                    await acknowledgedInDatabase.add(imageID, Set((json["face_ids"] as? [NSNumber] ?? []).map(\.int64Value)))
                }
            }
            for client in 0..<clients {
                group.addTask {
                    for (i, path) in photos.enumerated() where i % clients == client {
                        let imageID = String(path.dropFirst(root.path.count + 1))
                        guard
                            let (status, json) = try? await server.request(
                                "POST", "/faces/recognize",
                                ["image_id": imageID, "image_path": path, "orientation": 1]),
                            status == 200
                        else { return }  // the server is gone
                        let ids = (json["faces"] as? [[String: Any]] ?? []).compactMap { ($0["face_id"] as? NSNumber)?.int64Value }
                        await acknowledged.add(imageID, Set(ids))
                    }
                }
            }
            group.addTask {
                // Kill mid-stream, once some requests have been answered.
                while await acknowledged.count < 8 { try? await Task.sleep(for: .milliseconds(20)) }
                for _ in 0..<3000 where await acknowledgedInDatabase.count < 2 { try? await Task.sleep(for: .milliseconds(20)) }
                server.kill()
            }
        }
        let acked = await acknowledged.faces
        #expect(acked.count >= 8 && acked.count < photos.count, "the kill must land mid-stream")

        let restarted = try ServeProcess(data: data, environment: environment)
        defer { restarted.kill() }
        try await restarted.waitUntilHealthy()
        var storedFaces = 0
        for path in photos {
            let imageID = String(path.dropFirst(root.path.count + 1))
            let encoded = imageID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? imageID
            let (status, json) = try await restarted.request("GET", "/images/\(encoded)")
            if acked[imageID] != nil { #expect(status == 200, "acknowledged image \(imageID) was lost") }
            guard status == 200 else { continue }
            let stored = Set((json["faces"] as? [[String: Any]] ?? []).compactMap { ($0["face_id"] as? NSNumber)?.int64Value })
            if let ids = acked[imageID] { #expect(stored == ids, "\(imageID)") }
            // Whole or absent: as many faces as the photo has.
            let (_, detected) = try await restarted.request("POST", "/faces/detect", ["image_path": path])
            #expect(stored.count == (detected["faces"] as? [Any])?.count, "\(imageID) is half-written")
            storedFaces += stored.count
        }
        let (_, info) = try await restarted.request("GET", "/faceinfo")
        #expect(info["total_faces"] as? Int == storedFaces, "every stored face is in a person, and no face is orphaned")

        // The face database: every acknowledged image is there with its face ids, and the
        // rebuilt index finds a stored photo by itself.
        let database = await acknowledgedInDatabase.faces
        #expect(!database.isEmpty)
        for (imageID, ids) in database {
            let encoded = imageID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? imageID
            let (status, json) = try await restarted.request("GET", "/facedb/images/\(encoded)")
            let stored = Set((json["faces"] as? [[String: Any]] ?? []).compactMap { ($0["face_id"] as? NSNumber)?.int64Value })
            #expect(status == 200 && stored == ids, "face-database image \(imageID) was lost or changed")
        }
        if let (imageID, ids) = database.first(where: { !$0.value.isEmpty }) {
            let (_, found) = try await restarted.request(
                "POST", "/facedb/search",
                ["image_path": root.appendingPathComponent(imageID).path, "min_face_size": 0])
            let best = ((found["faces"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first
            #expect((best?["face_id"] as? NSNumber).map { ids.contains($0.int64Value) } == true, "\(found)")
        }
    }
}
