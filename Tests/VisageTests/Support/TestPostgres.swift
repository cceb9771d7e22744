import Foundation
import Glibc
import VisagePostgres

/// The PostgreSQL server the tests use: started once per test process by scripts/postgres.sh
/// (PostgreSQL 18 + pgvector from .deps/pgserver, installed by scripts/install_pgserver.sh when
/// missing; run as the `visage-pg` user when the tests run as root), on a free loopback port,
/// and stopped with its folder removed when the process exits. Nothing is skipped: a server that
/// can't start fails every PostgreSQL test with the script's output.
/// `VISAGE_TEST_DATABASE_URL=postgres://...` uses a running server instead (its user must be
/// allowed to create databases and the `vector` extension).
enum TestPostgres {
    static let server: Result<PostgresURL, StartError> = {
        if let url = ProcessInfo.processInfo.environment["VISAGE_TEST_DATABASE_URL"] {
            return Result { try PostgresURL(parsing: url) }.mapError { StartError(message: "\($0)") }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visage-pg-\(UUID().uuidString)")
        let script = CLI.repositoryRoot.appendingPathComponent("scripts/postgres.sh").path
        let started = Date()
        let result = shell(["bash", script, "start", folder.path], environment: ["VISAGE_PG_OWNER_PID": "\(getpid())"])
        guard result.status == 0, let line = result.output.split(separator: "\n").last.map(String.init),
            let url = try? PostgresURL(parsing: line)
        else {
            return .failure(StartError(message: "scripts/postgres.sh start failed (\(result.status)): \(result.output)"))
        }
        FileHandle.standardError.write(
            Data("PostgreSQL for tests at \(url.redacted), started in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n".utf8))
        return .success(url)
    }()

    /// A new, empty database on the server, and how to drop it.
    static func makeDatabase() throws -> (url: PostgresURL, drop: () -> Void) {
        var url = try server.get()
        let name = "visage_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(url, "CREATE DATABASE \(name)")
        url.database = name
        let admin = try server.get()
        return (url, { try? psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") })
    }

    /// Runs one statement through the bundled psql (CREATE DATABASE can't run in a transaction,
    /// and the stores open only migrated databases).
    static func psql(_ url: PostgresURL, _ statement: String) throws {
        let psql = CLI.repositoryRoot.appendingPathComponent(".deps/pgserver/pgserver/pginstall/bin/psql").path
        let result = shell(
            [
                psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", "\(url.port)", "-U", url.username, "-d", url.database, "-c",
                statement,
            ],
            environment: url.password.map { ["PGPASSWORD": $0] } ?? [:])
        guard result.status == 0 else { throw StartError(message: "psql failed: \(result.output)") }
    }

    struct StartError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Runs a program and collects its output. posix_spawn and waitpid rather than Foundation's
    /// `Process`, whose `waitUntilExit` waited forever here when every thread of the cooperative
    /// pool was a test blocked on this server's start (the pool is 2 threads on 2 cores).
    private static func shell(_ arguments: [String], environment: [String: String]) -> (status: Int32, output: String) {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { return (-1, "pipe failed: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        close(pipe[1])
        defer { close(pipe[0]) }
        guard spawned == 0 else { return (-1, "posix_spawn failed: \(spawned)") }
        // read() by hand: FileHandle traps on EINTR, which SIGCHLD (of any child) can cause.
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipe[0], &buffer, buffer.count)
            if count > 0 { bytes += buffer[0..<count] } else if count == 0 || errno != EINTR { break }
        }
        let output = String(decoding: bytes, as: UTF8.self)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros Swift can't import.
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : -1, output)
    }
}
