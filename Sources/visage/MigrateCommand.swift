import ArgumentParser
import Foundation
import VisageCore
import VisagePostgres
import VisageSQLite
import VisageStoreMigration

/// `visage migrate`: moves a SQLite library into an empty PostgreSQL database, ids and embeddings
/// as they are, in one transaction, checked before it commits.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite library into an empty PostgreSQL database (see README, Moving a library to PostgreSQL).",
        discussion: """
            Copies images, faces, people, decisions and the audit log, face-database collections, \
            image embeddings, references and their audit trail, routing settings and history, API keys \
            (hashes: keys keep working) and classifiers, keeping every id and embedding (nothing is \
            re-embedded). Web UI sessions are not copied: users sign in again. One transaction: on any \
            failure the target stays empty. Before committing, row counts are compared table by table \
            and every embedding is read back and compared bit for bit. Prints a JSON summary; a \
            progress bar on a terminal's stderr. Refuses a target that holds a library \
            (migration_target_not_empty) and a source with file moves a crash left unfinished \
            (migration_moves_pending: run `visage route` with no arguments on it first).
            """)

    @Option(help: "The library: sqlite:PATH, PATH a data directory or its visage.sqlite file.")
    var from: String

    @Option(help: "The empty PostgreSQL database: postgres://user[:password]@host[:port]/database.")
    var to: String

    func run() throws {
        do {
            let path = try Self.sqlitePath(from)
            let url = try Self.postgresURL(to)
            let source = try SQLiteLibraryReader(path: path)
            let target = try PostgresDatabase(url: url, maxIdle: 1)
            defer { target.close() }
            let migration = LibraryMigration()
            let bar = ProgressBar(total: try migration.rowCount(in: source), unit: "rows")
            let summary = try migration.run(from: source, to: target) { bar.advance(by: $0) }
            let payload: [String: Any] = [
                "from": path, "to": url.redacted, "tables": summary.rows, "rows": summary.rows.values.reduce(0, +),
                "verified_embeddings": summary.verifiedEmbeddings, "seconds": (summary.seconds * 1000).rounded() / 1000,
                "not_copied": ["ui_session", "job", "job_dead_letter", "routing_owner"],
            ]
            let json = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: json, as: UTF8.self))
        } catch {
            exitWithError(error)
        }
    }

    /// `sqlite:PATH`: a database file, or a data directory holding `visage.sqlite`.
    static func sqlitePath(_ argument: String) throws -> String {
        guard argument.hasPrefix("sqlite:"), argument.count > "sqlite:".count else {
            throw VisageError(.migrationSourceInvalid, "--from must be sqlite:PATH (a data directory or its visage.sqlite)")
        }
        let path = String(argument.dropFirst("sqlite:".count))
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: path).appendingPathComponent("visage.sqlite").path
        }
        return path
    }

    static func postgresURL(_ argument: String) throws -> PostgresURL {
        do {
            return try PostgresURL(parsing: argument)
        } catch let error as VisageError {
            throw VisageError(error.errorCode, error.message.replacingOccurrences(of: "VISAGE_DATABASE_URL", with: "--to"))
        }
    }
}
