import Foundation
import Testing
import VisagePostgres

/// `visage keys` and the loopback rule of `visage serve`, run as a user would.
@Suite struct KeysCommandTests {
    @Test func createListRevokeStoresOnlyAHash() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let created = CLI.run(["keys", "create", "--name", "phone", "--scope", "faces:read", "extract", "--data", data.path])
        #expect(created.status == 0, "\(created.stderr)")
        let key = try #require(created.jsonLines.first)
        let secret = try #require(key["key"] as? String), id = try #require(key["id"] as? String)
        #expect(secret.hasPrefix("vsk_\(id)_") && key["scopes"] as? [String] == ["faces:read", "extract"])
        #expect(
            CLI.run(["keys", "create", "--name", "x", "--scope", "faces:everything", "--data", data.path]).stderr
                .contains("[invalid_scope]"))

        let listed = CLI.run(["keys", "list", "--data", data.path])
        #expect(listed.status == 0 && listed.jsonLines.map { $0["id"] as? String } == [id])
        #expect(!listed.stdout.contains(secret) && listed.jsonLines.first?["key"] == nil)

        // Neither the database nor its WAL holds the key.
        let secretPart = Data(secret.suffix(52).utf8)
        for file in try FileManager.default.contentsOfDirectory(at: data, includingPropertiesForKeys: nil)
        where file.lastPathComponent.hasPrefix("visage.sqlite") {
            #expect(try Data(contentsOf: file).range(of: secretPart) == nil, "\(file.lastPathComponent) holds the key")
        }

        let revoked = CLI.run(["keys", "revoke", id, "--data", data.path])
        #expect(revoked.status == 0 && revoked.jsonLines.first?["revoked_at"] is String, "\(revoked.stderr)")
        #expect(CLI.run(["keys", "revoke", "nosuchkey000", "--data", data.path]).stderr.contains("[key_not_found]"))
    }

    @Test func serveRefusesANonLoopbackAddressWithoutKeys() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let serve = CLI.run(
            ["serve", "--host", "0.0.0.0", "--port", "0", "--data", data.path, "--model-dir", CLI.modelDirectory],
            timeout: 60)
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("[invalid_configuration]: refusing to serve on 0.0.0.0 without API keys"), "\(serve.stderr)")
    }

    /// With `VISAGE_DATABASE_URL` naming PostgreSQL, `visage keys` keeps keys there (nothing in the
    /// data directory), as do the other commands; a tool that only works on SQLite refuses rather
    /// than quietly using a local file, and a malformed URL is refused with its reason.
    @Test func keysLiveInPostgreSQLWhenTheURLNamesIt() throws {
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        // The tests' server has no password, so the redacted URL is the whole URL.
        let environment = ["VISAGE_DATABASE_URL": url.redacted]
        let created = CLI.run(["keys", "create", "--name", "ci", "--scope", "admin", "--data", data.path], environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.jsonLines.first?["id"] as? String)
        #expect(CLI.run(["keys", "list", "--data", data.path], environment: environment).jsonLines.map { $0["id"] as? String } == [id])
        #expect(try PostgresStore(url: url).key(id: id)?.name == "ci")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("visage.sqlite").path))

        // The rest of the library is there too: references, with none yet, and still no local file.
        let references = CLI.run(["references", "list", "--data", data.path], environment: environment)
        #expect(references.status == 0 && references.stdout.isEmpty, "\(references.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("visage.sqlite").path))
        // A tool that only works on SQLite refuses rather than quietly using a local file.
        let photo = CLI.testdata.appendingPathComponent("faces_identity/deepface/img1.jpg").path
        let bench = CLI.run(["bench-library", "--data", data.path, photo], environment: environment, timeout: 60)
        #expect(bench.status != 0 && bench.stderr.contains("invalid_configuration: VISAGE_DATABASE_URL names PostgreSQL"), "\(bench.stderr)")
        let malformed = CLI.run(["keys", "list", "--data", data.path], environment: ["VISAGE_DATABASE_URL": "postgres://localhost"])
        #expect(
            malformed.status != 0 && malformed.stderr.contains("[invalid_configuration]: VISAGE_DATABASE_URL: the URL names no user"),
            "\(malformed.stderr)")
    }
}
