import ArgumentParser
import Foundation
import VisageCore
import VisageInput
import VisageJobs
import VisagePostgres
import VisageSQLite
import VisageStorage

/// `visage jobs`: the job queue in the data directory's database (or PostgreSQL's, with
/// `VISAGE_DATABASE_URL`), as `/jobs` serves it. Jobs submitted here are run by `visage serve`'s
/// workers or by `visage worker`.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Submit, list, show and watch queued jobs (see docs/API.md, Jobs).",
        subcommands: [Submit.self, List.self, Show.self, Watch.self])

    /// Only `--data` (or `VISAGE_DATABASE_URL`) matters here; no models are loaded.
    struct Location: ParsableArguments {
        @Option(name: .customLong("data"), help: "Data directory (default: VISAGE_DATA_DIR or ./data).")
        var dataDirectory: String?

        func queue() throws -> JobQueue {
            let environment = ProcessInfo.processInfo.environment
            let rules = JobPayloadRules(pathRoots: try InputPolicy.fromEnvironment(environment).pathRoots)
            if let url = try DataOptions.databaseURL(environment) {
                return JobQueue(store: PostgresJobStore(store: try PostgresStore(url: url)), rules: rules)
            }
            var options = try DataOptions.parse([])
            options.dataDirectory = dataDirectory
            return JobQueue(store: SQLiteJobStore(store: try options.openStore()), rules: rules)
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a job and print it as JSON: ingest_folder --folder, ingest_urls --url..., route_media --folder, reindex [--all].")

        @Argument(help: "The job's kind: \(JobKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: String

        @Option(help: "The folder (ingest_folder, route_media).")
        var folder: String?

        @Option(name: .customLong("url"), parsing: .upToNextOption, help: "URLs to ingest (ingest_urls).")
        var urls: [String] = []

        @Flag(help: "Re-analyse every image (reindex).")
        var all = false

        @Option(help: "The payload as JSON, instead of the options above.")
        var payload: String?

        @Option(name: .customLong("idempotency-key"), help: "Submitting the same key again returns the job that has it.")
        var idempotencyKey: String?

        @OptionGroup var location: Location

        func run() throws {
            do {
                let job = try location.queue().submit(kind: kind, payload: try payloadJSON(), idempotencyKey: idempotencyKey)
                print(String(decoding: JobDocument.data(JobDocument.object(job)), as: UTF8.self))
            } catch {
                exitWithError(error)
            }
        }

        private func payloadJSON() throws -> Data {
            if let payload { return Data(payload.utf8) }
            var object: [String: Any] = [:]
            if let folder { object["folder"] = folder }
            if !urls.isEmpty { object["urls"] = urls }
            if all { object["all"] = true }
            return try JSONSerialization.data(withJSONObject: object)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print jobs as JSON lines, newest first.")

        @Option(help: "Only jobs in this state: \(Job.State.allCases.map(\.rawValue).joined(separator: ", ")).")
        var state: String?

        @Option(help: "At most this many (1 to 1000).")
        var limit = 100

        @OptionGroup var location: Location

        func run() throws {
            do {
                let state = try state.map { name in
                    guard let state = Job.State(rawValue: name) else {
                        throw VisageError(.invalidRequest, "--state must be one of \(Job.State.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return state
                }
                guard (1...1000).contains(limit) else { throw VisageError(.invalidRequest, "--limit must be from 1 to 1000") }
                for job in try location.queue().list(state: state, limit: limit) {
                    print(String(decoding: JobDocument.data(JobDocument.object(job)), as: UTF8.self))
                }
            } catch {
                exitWithError(error)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one job as JSON: state, attempts, progress, error, result.")

        @Argument(help: "The job's id.")
        var id: Int64

        @OptionGroup var location: Location

        func run() throws {
            do {
                print(String(decoding: JobDocument.data(JobDocument.object(try location.queue().job(id))), as: UTF8.self))
            } catch {
                exitWithError(error)
            }
        }
    }

    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a job's progress until it ends, then print it as JSON; exit status 1 unless it is done.")

        @Argument(help: "The job's id.")
        var id: Int64

        @Option(help: "Seconds between looks at the job.")
        var interval = 0.5

        @OptionGroup var location: Location

        func run() throws {
            let job: Job
            do {
                let queue = try location.queue()
                var bar: ProgressBar?
                var current = try queue.job(id)
                while !current.state.isFinal {
                    if bar == nil, let total = current.progress.total { bar = ProgressBar(total: total) }
                    bar?.advance(to: current.progress.done)
                    Thread.sleep(forTimeInterval: max(0.05, interval))
                    current = try queue.job(id)
                }
                if bar == nil, let total = current.progress.total { bar = ProgressBar(total: total) }
                bar?.advance(to: current.progress.done)
                job = current
            } catch {
                exitWithError(error)
            }
            print(String(decoding: JobDocument.data(JobDocument.object(job)), as: UTF8.self))
            if job.state != .done { throw ExitCode(1) }
        }
    }
}
