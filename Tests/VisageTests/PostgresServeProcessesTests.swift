import Foundation
import Testing

/// Several stateless `visage serve` processes on one PostgreSQL database (issue 15): they make
/// the same people one process makes from the same photos, even when every process receives a
/// photo of the same new person at the same moment, and a merge racing recognitions succeeds.
@Suite struct PostgresServeProcessesTests {
    /// Four photos each of four people: each round is one person's four photos, sent at once.
    static let rounds: [[String]] = {
        let byPerson = Dictionary(grouping: FacesIdentity.identityOf.keys.sorted(), by: { FacesIdentity.identityOf[$0]! })
        return ["Barack_Obama", "Angelina_Jolie", "Katy_Perry", "Scarlett_Johansson"].map { Array(byPerson[$0]!.prefix(4)) }
    }()

    static func imageID(_ path: String) -> String {
        String(path.dropFirst(CLI.testdata.appendingPathComponent("faces_identity").path.count + 1))
    }

    /// Starts `count` servers on a new database and waits until all are ready.
    static func servers(_ count: Int, database url: String, data: URL) async throws -> [ServeProcess] {
        // No background settling: the people compared are the ones placed as photos arrived.
        let environment = ["VISAGE_DATABASE_URL": url, "VISAGE_PEOPLE_SETTLE_SECONDS": "0"]
        let servers = try (0..<count).map { _ in try ServeProcess(data: data, environment: environment) }
        for server in servers { try await server.waitUntilHealthy() }
        return servers
    }

    static func recognize(_ path: String, on server: ServeProcess) async throws {
        let (status, json) = try await server.request(
            "POST", "/faces/recognize", ["image_id": imageID(path), "image_path": path, "orientation": 1])
        #expect(status == 200, "\(path): \(json)")
    }

    /// Merges the person of the second round's first photo into the first round's.
    static func mergeFirstTwoRounds(on server: ServeProcess) async throws {
        let target = try await personOf(rounds[0][0], on: server), source = try await personOf(rounds[1][0], on: server)
        let (status, json) = try await server.request(
            "POST", "/faces/clusters/merge", ["source_cluster_id": source, "target_cluster_id": target])
        #expect(status == 200, "\(json)")
    }

    static func personOf(_ path: String, on server: ServeProcess) async throws -> String {
        let id = imageID(path).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let (_, json) = try await server.request("GET", "/images/\(id)")
        return try #require((json["faces"] as? [[String: Any]])?.first?["cluster_id"] as? String, "\(json)")
    }

    /// The people as a partition of the faces ("image#n": the n-th face of the image), whatever
    /// the clusters' ids.
    static func people(on server: ServeProcess) async throws -> Set<Set<String>> {
        var members: [String: Set<String>] = [:]
        for path in rounds.joined() {
            let id = imageID(path)
            let (status, json) = try await server.request("GET", "/images/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(status == 200, "\(id)")
            for (n, face) in (json["faces"] as? [[String: Any]] ?? []).enumerated() {
                let cluster = try #require(face["cluster_id"] as? String, "face \(n) of \(id) has no person")
                members[cluster, default: []].insert("\(id)#\(n)")
            }
        }
        return Set(members.values)
    }

    @Test func fourProcessesMakeTheSamePeopleAsOne() async throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let (oneURL, dropOne) = try TestPostgres.makeDatabase()
        defer { dropOne() }
        let (fourURL, dropFour) = try TestPostgres.makeDatabase()
        defer { dropFour() }

        // The tests' server has no password, so the redacted URL is the whole URL.
        let one = try await Self.servers(1, database: oneURL.redacted, data: data)[0]
        defer { one.kill() }
        for (n, round) in Self.rounds.enumerated() {
            if n == 2 { try await Self.mergeFirstTwoRounds(on: one) }
            for path in round { try await Self.recognize(path, on: one) }
        }
        let expected = try await Self.people(on: one)

        let four = try await Self.servers(4, database: fourURL.redacted, data: data)
        defer { for server in four { server.kill() } }
        for (n, round) in Self.rounds.enumerated() {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A merge racing four recognitions waits its turn and succeeds.
                if n == 2 { group.addTask { try await Self.mergeFirstTwoRounds(on: four[0]) } }
                for (path, server) in zip(round, four) { group.addTask { try await Self.recognize(path, on: server) } }
                try await group.waitForAll()
            }
        }
        // Any of the four reads the same people.
        let found = try await Self.people(on: four[3])
        #expect(found == expected)
        #expect(try await Self.people(on: four[0]) == found)
        // Each person's four photos, sent at once to four processes, made one person: one holds a
        // face of every photo of the round (the first two rounds' people are one after the merge).
        for round in Self.rounds {
            let prefixes = round.map { "\(Self.imageID($0))#" }
            #expect(found.contains { person in prefixes.allSatisfy { prefix in person.contains { $0.hasPrefix(prefix) } } }, "\(round): \(found)")
        }
    }
}
