import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `visage serve` process on a local port, with the lite pack of the test models; its own data
/// directory, and with `VISAGE_DATABASE_URL` in `environment`, a PostgreSQL library.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(data: URL, environment: [String: String] = [:], arguments: [String] = []) throws {
        port = Int.random(in: 20_000...40_000)
        process.executableURL = CLI.executable
        process.arguments =
            [
                "serve", "--port", String(port), "--data", data.path, "--pack", "lite",
                "--model-dir", CLI.modelDirectory,
            ] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["LOG_LEVEL": "error"].merging(environment) { $1 }) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for `/ready` (the models loaded and the library open): up to two minutes, for several
    /// processes starting at once on a loaded machine.
    func waitUntilHealthy() async throws {
        for _ in 0..<480 {
            if let (status, _) = try? await request("GET", "/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw CancellationError()
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
