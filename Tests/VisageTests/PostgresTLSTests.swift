import Foundation
import Testing
import VisageCore
import VisagePostgres

/// `sslmode` and `sslrootcert` in `VISAGE_DATABASE_URL`, against a real TLS handshake: the tests'
/// PostgreSQL is built without TLS, so scripts/pg_tls_proxy.py terminates TLS in front of it (and
/// refuses clients that don't ask for TLS, so every connection that works through it was
/// encrypted). Certificates are made with openssl for this test: an authority, a server
/// certificate it signed for `localhost` only, and an unrelated authority.
@Suite struct PostgresTLSTests {
    struct Certificates {
        let folder: URL
        var authority: String { folder.appendingPathComponent("ca.crt").path }
        var otherAuthority: String { folder.appendingPathComponent("other.crt").path }
        var certificate: String { folder.appendingPathComponent("server.crt").path }
        var key: String { folder.appendingPathComponent("server.key").path }

        init() throws {
            folder = TestServices.temporaryDirectory()
            let dir = folder.path
            let script = """
                set -e; cd '\(dir)'
                openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Visage test CA' -keyout ca.key -out ca.crt
                openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Someone else' -keyout other.key -out other.crt
                openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key -out server.csr
                printf 'subjectAltName=DNS:localhost\\n' > server.ext
                openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt
                """
            let made = CLI.run(["-c", script], program: URL(fileURLWithPath: "/bin/bash"))
            guard made.status == 0 else { throw VisageError(.internalError, "openssl failed: \(made.stderr)") }
        }
    }

    /// The proxy, listening on a loopback port, in front of the tests' server.
    final class Proxy: @unchecked Sendable {
        let process = Process()
        let port: Int

        init(certificates: Certificates, upstream: PostgresURL) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", CLI.repositoryRoot.appendingPathComponent("scripts/pg_tls_proxy.py").path, upstream.host, "\(upstream.port)",
                certificates.certificate, certificates.key,
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                process.terminate()
                throw VisageError(.internalError, "the TLS proxy printed no port: \(line)")
            }
            self.port = port
        }

        /// SIGKILL: a test process may pass SIGTERM on as ignored.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Opens the store through the proxy with `query`, and uses it: a key round-trips.
    static func connect(_ database: PostgresURL, host: String, port: Int, query: String) throws {
        let url = try PostgresURL(parsing: "postgres://\(database.username)@\(host):\(port)/\(database.database)?\(query)")
        #expect(try PostgresStore(url: url).keys().isEmpty)
    }

    @Test func everyModeConnectsOrRefusesAsItSays() throws {
        let certificates = try Certificates()
        defer { try? FileManager.default.removeItem(at: certificates.folder) }
        let (database, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let proxy = try Proxy(certificates: certificates, upstream: database)
        defer { proxy.stop() }
        let port = proxy.port

        // Encrypted, certificate not checked.
        try Self.connect(database, host: "127.0.0.1", port: port, query: "sslmode=require")
        // Signed by the trusted authority; verify-ca doesn't look at the name, verify-full does.
        try Self.connect(database, host: "127.0.0.1", port: port, query: "sslmode=verify-ca&sslrootcert=\(certificates.authority)")
        try Self.connect(database, host: "localhost", port: port, query: "sslmode=verify-full&sslrootcert=\(certificates.authority)")

        let refusals = [
            // Plain TCP: the proxy only speaks TLS, so this shows the connections above were encrypted.
            (host: "127.0.0.1", query: "sslmode=disable"),
            // The certificate is for localhost, not 127.0.0.1.
            (host: "127.0.0.1", query: "sslmode=verify-full&sslrootcert=\(certificates.authority)"),
            // Signed by an authority the URL doesn't trust.
            (host: "localhost", query: "sslmode=verify-full&sslrootcert=\(certificates.otherAuthority)"),
            (host: "localhost", query: "sslmode=verify-ca&sslrootcert=\(certificates.otherAuthority)"),
            // Nor does the system.
            (host: "localhost", query: "sslmode=verify-full"),
            (host: "localhost", query: "sslmode=verify-full&sslrootcert=/nonexistent/ca.crt"),
        ]
        for refusal in refusals {
            let error = #expect(throws: VisageError.self, "\(refusal)") {
                try Self.connect(database, host: refusal.host, port: port, query: refusal.query)
            }
            #expect(error?.code == "store_open_failed", "\(refusal): \(String(describing: error))")
        }
    }

    @Test func urlsAskingForFallbackOrMisusingARootCertificateAreRefused() {
        for query in ["sslmode=prefer", "sslmode=allow", "sslmode=", "sslmode=require&sslrootcert=/ca.crt", "sslrootcert=/ca.crt", "sslrootcert="] {
            let error = #expect(throws: VisageError.self, "\(query)") { try PostgresURL(parsing: "postgres://u@h/d?\(query)") }
            #expect(error?.code == "invalid_configuration", "\(query)")
        }
        let url = try? PostgresURL(parsing: "postgres://u:secret@h/d?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(url?.tls == .verifyFull && url?.rootCertificatePath == "/etc/ca.pem")
        #expect(url?.redacted == "postgres://u@h:5432/d?sslmode=verify-full&sslrootcert=/etc/ca.pem")
    }
}
