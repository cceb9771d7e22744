import Foundation
import Glibc
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `visage serve` process on a local port, with the lite pack of the test models; its own data
/// directory, and with `VISAGE_DATABASE_URL` in `environment`, a PostgreSQL library.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let logFile: URL

    init(data: URL, environment: [String: String] = [:], arguments: [String] = []) throws {
        port = try Self.freePort()
        process.executableURL = CLI.executable
        process.arguments =
            [
                "serve", "--port", String(port), "--data", data.path, "--pack", "lite",
                "--model-dir", CLI.modelDirectory,
            ] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["LOG_LEVEL": "error"].merging(environment) { $1 }) { $1 }
        process.standardOutput = FileHandle.nullDevice
        // Kept for a server that fails to start: its last lines say why.
        let log = data.appendingPathComponent("serve-\(port).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        logFile = log
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    /// Waits for `/ready` (the models loaded and the library open): up to two minutes, for several
    /// processes starting at once on a loaded machine.
    func waitUntilHealthy() async throws {
        for _ in 0..<480 {
            // A process that exited (its port taken, say) must not pass for ready because another
            // test's server answers there.
            guard process.isRunning else {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw StartFailed(status: process.terminationStatus, log: String(log.suffix(2000)))
            }
            if let (status, _) = try? await request("GET", "/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw CancellationError()
    }

    struct StartFailed: Error {
        let status: Int32
        var log = ""
    }

    /// Ports handed out by this test process, never handed out twice.
    private static let given = Mutex<Set<Int>>([])

    /// A loopback port that is free now (a test bind succeeds), below Linux's ephemeral range
    /// (32768 and up) so an outgoing connection (the tests hold many to PostgreSQL) can't take it
    /// before the server binds it, and not given to another server of this process: several
    /// suites start servers at once.
    static func freePort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            guard given.withLock({ !$0.contains(port) }), canBind(port) else { continue }
            if given.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw StartFailed(status: -1, log: "no free port")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// `key`: sent as `Authorization: Bearer` (a library with keys is closed even on loopback).
    func request(_ method: String, _ path: String, _ body: [String: Any]? = nil, key: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = 120
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
