import ArgumentParser
import Foundation
import VisageCore
import VisageInput
import VisageReferences
import VisageRouting
import VisageSQLite
import VisageServer
import VisageVideo

/// What `visage route` and `visage watch` run on: the data directory's settings, journal and
/// references, with the pipeline.
struct RoutingTools {
    let router: MediaRouter
    /// This process's owner of moves (`VISAGE_ROUTING_HEARTBEAT`, `VISAGE_ROUTING_LEASE`).
    let lease: RoutingLease

    init(_ data: DataOptions) throws {
        let tools = try ReferenceTools(data)
        let store = try data.openRecordStores()
        lease = RoutingLease(store: store, settings: try RoutingLeaseSettings.fromEnvironment())
        router = MediaRouter(
            store: store, checker: MediaChecker(analyzer: tools.recognition.analyzer, library: tools.library),
            sampler: try VideoFrameSampler.fromEnvironment(), decoder: tools.decoder, maxSide: tools.recognition.configuration.maxSide,
            inputRoots: try InputPolicy.fromEnvironment(ProcessInfo.processInfo.environment).pathRoots, lease: lease)
    }

    enum Routed { case routed, failed, takenByAnother }

    /// Routes `path` and prints its JSON line. `quietWhenTaken`: a file another process is routing
    /// or has routed gets no line (`visage watch`: whoever has it reports it).
    @discardableResult func route(_ path: String, quietWhenTaken: Bool = false) -> Routed {
        do {
            print(RouteOutcomePayload(outcome: try router.route(path, actor: "cli"), filePath: path).jsonLine())
            return .routed
        } catch {
            if quietWhenTaken, MediaRouter.isTakenByAnother(error, path: path) { return .takenByAnother }
            print(FileErrorLine(path, error).jsonLine())
            return .failed
        }
    }

    func recover() throws {
        let recovery = try router.recover()
        if !recovery.isEmpty {
            FileHandle.standardError.write(
                Data(
                    "routing journal: \(recovery.completed.count) moves completed, \(recovery.rolledBack.count) rolled back, \(recovery.missing.count) files missing\n"
                        .utf8))
        }
    }
}

/// `visage route`: seed 003's move module from the command line.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Route files to the destination or the review folder by their faces; one JSON line per file (see docs/API.md, POST /media/route).",
        discussion: "The moves a crash left half done are finished or undone first; with no PATH, that is all it does.")

    @Argument(help: "Files in the inbox (or under VISAGE_INPUT_ROOTS).")
    var paths: [String] = []

    @OptionGroup var data: DataOptions

    func run() throws {
        let tools: RoutingTools
        do {
            tools = try RoutingTools(data)
            try tools.recover()
        } catch {
            exitWithError(error)
        }
        defer { tools.lease.stop() }
        var failed = false
        for path in paths where tools.route(path) == .failed { failed = true }
        if failed { throw ExitCode(1) }
    }
}

/// `visage watch`: routes every file that appears in the inbox.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Route every file that appears in the inbox (inbox_path of the settings), one JSON line each, until stopped.")

    @Option(help: "Seconds between looks at the inbox.")
    var interval: Double = 2

    @Flag(help: "Route what is there now (after one interval, to see it is complete), then exit.")
    var once = false

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard interval.isFinite, (0.1...3600).contains(interval) else { throw ValidationError("--interval must be from 0.1 to 3600") }
    }

    func run() throws {
        let tools: RoutingTools
        let inbox: String
        do {
            tools = try RoutingTools(data)
            try tools.recover()
            guard let folder = try tools.router.store.routingSettings().inboxPath else {
                throw VisageError(.routingNotConfigured, "set inbox_path first (PUT /api/settings/face-recognition)")
            }
            inbox = folder
        } catch {
            exitWithError(error)
        }
        defer { tools.lease.stop() }
        var watcher = InboxWatcher(folder: inbox)
        // A file is ready once it looked the same twice, `interval` apart.
        _ = watcher.settledFiles()
        var lastRecovery = Date()
        repeat {
            Thread.sleep(forTimeInterval: interval)
            // Moves another process left when it died are recovered while this one watches.
            if Date().timeIntervalSince(lastRecovery) >= tools.lease.settings.heartbeat {
                try? tools.recover()
                lastRecovery = Date()
            }
            for path in watcher.settledFiles() {
                // Another process has it: look again later, in case its move is undone.
                if tools.route(path, quietWhenTaken: true) == .takenByAnother { watcher.lookAgain(at: path) }
            }
        } while !once
    }
}
