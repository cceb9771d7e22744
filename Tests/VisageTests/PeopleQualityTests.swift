import Foundation
import HummingbirdTesting
import Testing
import VisageClustering
import VisageCore
import VisageImaging
import VisagePeopleBench

@testable import VisageServer

/// People on degraded photos, through `POST /faces/recognize` with the lite models: degraded
/// copies of one person end in one person, look-alikes stay apart, faces carry their quality.
@Suite struct PeopleQualityTests {
    static func photos(of identity: String) -> [String] {
        FacesIdentity.identityOf.filter { $0.value == identity }.keys.sorted()
    }

    /// The person (cluster) of each posted image's largest face.
    static func post(_ paths: [(id: String, path: String)], _ client: some TestClientProtocol) async throws -> [String: String] {
        var clusterOf: [String: String] = [:]
        for (id, path) in paths {
            let (status, json) = try await HTTPJSON.call(
                client, .post, "/faces/recognize", ["image_id": id, "image_path": path, "orientation": 1])
            #expect(status == .ok, "\(id): \(json)")
            let face = (json["faces"] as? [[String: Any]])?.first
            if let cluster = (face?["cluster"] as? [String: Any])?["cluster_id"] as? String { clusterOf[id] = cluster }
        }
        return clusterOf
    }

    /// Each image's largest face's person, by image id, from /images/{id}.
    static func currentClusters(_ ids: [String], _ client: some TestClientProtocol) async throws -> [String: String] {
        var result: [String: String] = [:]
        for id in ids {
            let json = try await HTTPJSON.call(client, .get, "/images/\(id)").json
            // The largest face, as /faces/recognize lists first.
            let faces = json["faces"] as? [[String: Any]] ?? []
            let area = { (face: [String: Any]) -> Double in
                let box = face["bbox"] as? [Double] ?? [0, 0, 0, 0]
                return box[2] * box[3]
            }
            if let face = faces.max(by: { area($0) < area($1) }), let cluster = face["cluster_id"] as? String { result[id] = cluster }
        }
        return result
    }

    @Test func degradedPhotosOfOnePersonEndInOnePerson() async throws {
        let folder = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Barack Obama's photos, each degraded one way, in a fixed order: blur, low resolution,
        // dark, JPEG, tilt, occlusion and noise, as the benchmark makes them.
        let plans: [[Degradation]] = [
            [.blur(sigma: 2.5)], [.lowResolution(faceWidth: 32, restore: true)], [.exposure(gain: 0.35, gamma: 1.4)],
            [.jpeg(quality: 10)], [.tilt(degrees: 15)], [.occlusion(.eyes)], [.noise(sigma: 15)], [.greyscale, .jpeg(quality: 15)],
        ]
        var random = BenchRandom(seed: 3)
        var posted: [(id: String, path: String)] = []
        for (index, path) in Self.photos(of: "Barack_Obama").prefix(plans.count).enumerated() {
            let decoded = try ImageDecoder().decode(.file(path), maxSide: 1024)
            let face = try #require(try TestServices.analyzer.analyze(decoded, options: .init(embeddings: false)).first)
            let start = DegradedImage(image: decoded.image, face: face.detection.box.scaled(by: decoded.scale))
            let degraded = try DegradationPlan(steps: plans[index]).apply(to: start, using: &random)
            let url = folder.appendingPathComponent("obama-\(index).jpg")
            try degraded.image.encoded(.jpeg(quality: 95)).write(to: url)
            posted.append(("obama-\(index)", url.path))
        }
        try #require(posted.count == plans.count)
        let photos = posted
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            let answered = try await Self.post(photos, client)
            #expect(answered.count == photos.count, "every degraded photo has a face")
            let (status, _) = try await HTTPJSON.call(client, .post, "/faces/recluster")
            #expect(status == .ok)
            let people = Set(try await Self.currentClusters(photos.map(\.id), client).values)
            #expect(people.count == 1, "degraded photos of one person in \(people.count) people")
        }
    }

    @Test func lookAlikesAreApartAfterARecluster() async throws {
        // Kate Siegel's photos are 0.41 and 0.45 alike (mean of the three closest) to Angelina
        // Jolie's: above the join threshold of her poor photo (quality 0.19) and of her clear one
        // (0.85), below the strong link. Posted after all of Angelina's, they join her as answered
        // (docs/CLUSTERING.md says so); the recluster, whose lone faces only join groups that
        // strong links built and whose merges need average linkage, keeps them apart.
        let angelina = Self.photos(of: "Angelina_Jolie").enumerated().map { ("aj-\($0.offset)", $0.element) }
        let kate = Self.photos(of: "Kate_Siegel").enumerated().map { ("ks-\($0.offset)", $0.element) }
        try #require(angelina.count >= 10 && kate.count == 2)
        let app = VisageApplication.build(services: try TestServices.make())
        try await app.test(.router) { client in
            _ = try await Self.post(angelina + kate, client)
            let (status, _) = try await HTTPJSON.call(client, .post, "/faces/recluster")
            #expect(status == .ok)
            let after = try await Self.currentClusters((angelina + kate).map(\.0), client)
            let angelinaPeople = Set(angelina.compactMap { after[$0.0] })
            #expect(angelinaPeople.count == 1, "Angelina's photos in \(angelinaPeople.count) people")
            #expect(kate.allSatisfy { after[$0.0].map { !angelinaPeople.contains($0) } ?? false })
        }
    }

    @Test func facesCarryTheirQualityAndHealthShowsTheThresholds() async throws {
        let app = VisageApplication.build(services: try TestServices.make())
        let sharp = Self.photos(of: "Barack_Obama")[0]
        try await app.test(.router) { client in
            let (status, json) = try await HTTPJSON.call(client, .post, "/faces/detect", ["image_path": sharp, "embeddings": true])
            #expect(status == .ok)
            let quality = (json["faces"] as? [[String: Any]])?.first?["quality"] as? Double
            #expect((quality ?? 0) > 0.5, "a clear portrait is of good quality: \(String(describing: quality))")
            let plain = try await HTTPJSON.call(client, .post, "/faces/detect", ["image_path": sharp]).json
            #expect((plain["faces"] as? [[String: Any]])?.first?["quality"] == nil, "no embedding, no quality")
            let health = try await HTTPJSON.call(client, .get, "/health").json
            let clustering = health["clustering"] as? [String: Any]
            #expect(clustering?["similarity"] as? Double == 0.5)
            #expect((clustering?["join_similarity"] as? Double).map { abs($0 - 0.35) < 1e-6 } == true)
            #expect(clustering?["min_faces"] as? Int == 2)
        }
    }

    @Test func poorFacesScoreBelowClearOnes() throws {
        let path = Self.photos(of: "Barack_Obama")[0]
        let decoded = try ImageDecoder().decode(.file(path), maxSide: 1024)
        let clear = try #require(try TestServices.analyzer.analyze(decoded).first?.quality)
        var random = BenchRandom(seed: 1)
        let face = try #require(try TestServices.analyzer.analyze(decoded, options: .init(embeddings: false)).first)
        let start = DegradedImage(image: decoded.image, face: face.detection.box.scaled(by: decoded.scale))
        let small = try Degradation.lowResolution(faceWidth: 20, restore: false).apply(to: start, using: &random)
        let smallDecoded = try ImageDecoder().decode(.bytes(try small.image.encoded(.png)))
        let poor = try #require(try TestServices.analyzer.analyze(smallDecoded).first?.quality)
        #expect(poor.score < clear.score, "a 20-pixel face \(poor.score) against the portrait \(clear.score)")
        #expect(poor.size < 30 && clear.size > 100)
    }

    @Test func overridesApplyOnTopOfTheModelsThresholds() throws {
        let settings = EnvironmentSettings(["VISAGE_CLUSTER_JOIN_SIMILARITY": "0.4", "VISAGE_CLUSTER_MIN_FACES": "3"])
        let parameters = try ClusteringOverrides.fromEnvironment(settings).applied(to: .forModel("MobileFaceNet_paddlex_128d"))
        #expect(parameters.neighborSimilarity == 0.5 && parameters.minNeighbors == 3)
        #expect(abs(parameters.joinSimilarity - 0.4) < 1e-6)
        for (name, value) in [("VISAGE_CLUSTER_SIMILARITY", "1.5"), ("VISAGE_CLUSTER_MIN_FACES", "0"), ("VISAGE_CLUSTER_MIN_QUALITY", "nan")] {
            let error = #expect(throws: VisageError.self) { try ClusteringOverrides.fromEnvironment(EnvironmentSettings([name: value])) }
            #expect(error?.code == "invalid_configuration" && error?.message.hasPrefix(name) == true)
        }
    }
}
