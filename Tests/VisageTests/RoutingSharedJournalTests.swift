import Foundation
import Synchronization
import Testing
import VisageCore
import VisageImaging
import VisageModels
import VisageReferences
import VisageStorage
import VisageVideo

@testable import VisageRouting

/// Several processes on one journal (issue 15), as separate stores (connections) of one
/// database, each with its own `RoutingLease`, over real files: a live move of another process
/// is never recovered, a gone one's is recovered once, and two routers watching one inbox move
/// each file once.
@Suite struct RoutingSharedJournalTests {
    struct Folders {
        let root = TestServices.temporaryDirectory()
        var inbox: String { root.appendingPathComponent("inbox").path }
        var target: String { root.appendingPathComponent("target").path }

        init() throws {
            for folder in [inbox, target] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        }

        func file(_ name: String) throws -> (path: String, digest: FileDigest) {
            let path = (inbox as NSString).appendingPathComponent(name)
            try Data((0..<2000).map { UInt8(($0 * 13 + name.count) % 251) } + Array(name.utf8)).write(to: URL(fileURLWithPath: path))
            return (path, try FileDigest.of(URL(fileURLWithPath: path)))
        }

        /// Plans the move of `file` into the target as `owner`, as `JournaledMover.move` does.
        func plan(_ file: (path: String, digest: FileDigest), owner: String, in store: any RoutingStore) throws -> FileMove {
            let destination = (target as NSString).appendingPathComponent((file.path as NSString).lastPathComponent)
            return try store.planMove(
                source: file.path, destination: destination, contentHash: file.digest.sha256, size: file.digest.size, reason: "match",
                routed: RoutedFile(
                    contentHash: file.digest.sha256, originalPath: file.path, routedTo: destination, hasMatch: true, personName: nil,
                    routedAt: Date()),
                owner: owner)
        }

        /// Every file under the inbox and the target, by content.
        func places() throws -> [String: [String]] {
            var found: [String: [String]] = [:]
            for folder in [inbox, target] {
                for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                    let path = (folder as NSString).appendingPathComponent(name)
                    found[try FileDigest.of(URL(fileURLWithPath: path)).sha256, default: []].append(path)
                }
            }
            return found
        }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Process A is mid-move (linked, source not yet removed) and renewing nothing: while its lease
    /// lasts, B's recovery leaves the move and both names alone; once it lapses, B completes it,
    /// and A, back too late, can't finish it.
    @Test(arguments: StoreBackend.all) func aLiveMoveOfAnotherProcessIsLeftToIt(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let (a, b) = (try database.routing(), try database.routing())
        try a.renewRoutingOwner(RoutingOwner(id: "a", machine: nil, pid: 0), lease: 2)
        let recoverer = JournaledMover(store: b, lease: RoutingLease(store: b))
        defer { recoverer.lease.stop() }

        let file = try folders.file("mid-move.jpg")
        let move = try folders.plan(file, owner: "a", in: a)
        try FileManager.default.linkItem(atPath: file.path, toPath: move.destination)
        #expect(try recoverer.recover().isEmpty)
        #expect(Self.exists(file.path) && Self.exists(move.destination), "B touched A's live move")
        #expect(try b.unfinishedMoves().map(\.owner) == ["a"])

        Thread.sleep(forTimeInterval: 2.3)
        let recovery = try recoverer.recover()
        #expect(recovery.completed == [move.destination] && recovery.rolledBack.isEmpty && recovery.missing.isEmpty)
        #expect(!Self.exists(file.path) && Self.exists(move.destination))
        #expect(try a.routedFile(contentHash: file.digest.sha256)?.routedTo == move.destination)
        #expect(throws: VisageError.self) { try a.finishMove(move.id, owner: "a", state: .done, audit: nil) }
        #expect(try recoverer.recover().isEmpty && b.unfinishedMoves().isEmpty)
    }

    /// An owner that ran on this machine and whose process is gone (killed): its moves are
    /// recovered at once, without waiting for its lease.
    @Test(.enabled(if: LocalProcesses.machine != nil), arguments: StoreBackend.all)
    func aStoppedProcessOnThisMachineIsRecoveredAtOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let store = try database.routing()
        let killed = RoutingOwner(id: "killed", machine: LocalProcesses.machine, pid: try Self.unusedPID())
        try store.renewRoutingOwner(killed, lease: 600)
        let elsewhere = RoutingOwner(id: "elsewhere", machine: "another-machine", pid: killed.pid)
        try store.renewRoutingOwner(elsewhere, lease: 600)
        let file = try folders.file("planned.jpg"), other = try folders.file("other.jpg")
        _ = try folders.plan(file, owner: killed.id, in: store)
        _ = try folders.plan(other, owner: elsewhere.id, in: store)

        let recoverer = JournaledMover(store: try database.routing(), lease: RoutingLease(store: try database.routing()))
        defer { recoverer.lease.stop() }
        let recovery = try recoverer.recover()
        #expect(recovery.rolledBack == [file.path] && recovery.completed.isEmpty, "the same pid on another machine says nothing")
        #expect(Set(try store.routingOwners().map(\.owner.id)) == ["elsewhere", recoverer.lease.owner.id])
        #expect(try store.unfinishedMoves().map(\.owner) == ["elsewhere"])
    }

    /// A process id no process has now (the highest free one below `pid_max`).
    static func unusedPID() throws -> Int32 {
        let text = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
        let max = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 32768
        for pid in stride(from: max - 1, to: 1000, by: -1) where kill(pid, 0) != 0 && errno == ESRCH { return pid }
        throw VisageError(.invalidConfiguration, "no free process id")
    }

    /// Two processes recover one crash at once: each move is recovered by one of them, the files
    /// end whole in one place, and neither sees a refused finish.
    @Test(arguments: StoreBackend.all) func racingRecoveriesRecoverEachMoveOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let crashed = try database.routing()
        try crashed.renewRoutingOwner(RoutingOwner(id: "crashed", machine: nil, pid: 0), lease: 1)
        for index in 0..<16 {
            let file = try folders.file("\(index).jpg")
            let move = try folders.plan(file, owner: "crashed", in: crashed)
            if index % 2 == 1 { try FileManager.default.linkItem(atPath: file.path, toPath: move.destination) }
        }
        let movers = try (0..<2).map { _ in
            let store = try database.routing()
            return JournaledMover(store: store, lease: RoutingLease(store: store))
        }
        defer { movers.forEach { $0.lease.stop() } }
        for mover in movers { try mover.lease.start() }
        Thread.sleep(forTimeInterval: 1.2)
        let recoveries = Mutex<[JournaledMover.Recovery]>([])
        let rendezvous = Rendezvous()
        DispatchQueue.concurrentPerform(iterations: movers.count) { index in
            rendezvous.meet(index)
            do {
                let recovery = try movers[index].recover()
                recoveries.withLock { $0.append(recovery) }
            } catch {
                Issue.record("recovery \(index): \(error)")
            }
        }
        let all = recoveries.withLock { $0 }
        #expect(all.flatMap(\.completed).count == 8 && Set(all.flatMap(\.completed)).count == 8, "\(all)")
        #expect(all.flatMap(\.rolledBack).count == 8 && Set(all.flatMap(\.rolledBack)).count == 8, "\(all)")
        #expect(try folders.places().values.allSatisfy { $0.count == 1 } && folders.places().count == 16)
        #expect(try crashed.unfinishedMoves().isEmpty)
    }

    /// Two routers (two processes' worth: stores, leases, inbox watchers) route one inbox at once,
    /// unchecked: every file ends in the target exactly once, with one `route` line each, and
    /// neither reports anything but its own moves.
    @Test(arguments: StoreBackend.all) func twoWatchersOfOneInboxRouteEachFileOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let review = folders.root.appendingPathComponent("review").path
        try FileManager.default.createDirectory(atPath: review, withIntermediateDirectories: true)
        let stores = try (0..<2).map { _ in try database.open() }
        try stores[0].routing.saveRoutingSettings(
            FaceRoutingSettings(enabled: false, destinationPath: folders.target, reviewPath: review, inboxPath: folders.inbox), actor: "test")
        let files = try (0..<30).map { try folders.file("\($0).jpg") }
        let routers = stores.map { stores in
            MediaRouter(
                store: stores.routing,
                checker: MediaChecker(
                    analyzer: TestServices.analyzer,
                    library: ReferenceLibrary(
                        store: stores.references, embeddingModel: TestServices.analyzer.embeddingModelName,
                        scale: ToleranceScale(samePersonSimilarity: 0.5))),
                sampler: VideoFrameSampler(), decoder: ImageDecoder(), maxSide: 1024, inputRoots: [], lease: RoutingLease(store: stores.routing))
        }
        defer { routers.forEach { $0.mover.lease.stop() } }
        // Both watchers see every file settle before either moves one, so each file is raced for.
        var watchers = [InboxWatcher(folder: folders.inbox), InboxWatcher(folder: folders.inbox)]
        for index in watchers.indices { _ = watchers[index].settledFiles() }
        let settled = watchers.indices.map { watchers[$0].settledFiles() }
        #expect(settled.allSatisfy { $0.count == files.count })
        let moved = Mutex<[String]>([]), skipped = Mutex(0)
        let rendezvous = Rendezvous()
        DispatchQueue.concurrentPerform(iterations: routers.count) { index in
            for path in settled[index] {
                // Both routers start on each file at the same moment.
                rendezvous.meet(index)
                do {
                    let outcome = try routers[index].route(path, actor: "watcher-\(index)")
                    #expect(!outcome.duplicate, "\(path) is no duplicate of itself")
                    if let to = outcome.movedTo { moved.withLock { $0.append(to) } }
                } catch {
                    if MediaRouter.isTakenByAnother(error, path: path) {
                        skipped.withLock { $0 += 1 }
                    } else {
                        Issue.record("watcher \(index), \(path): \(error)")
                    }
                }
            }
        }
        let places = try folders.places()
        #expect(Set(places.keys) == Set(files.map(\.digest.sha256)))
        #expect(places.values.allSatisfy { $0.count == 1 && $0[0].hasPrefix(folders.target + "/") }, "\(places)")
        #expect(moved.withLock { $0.count } == files.count && skipped.withLock { $0 } == files.count)
        let audit = try stores[1].references.mediaAudit(limit: 1000)
        #expect(audit.filter { $0.action == "route" }.count == files.count && !audit.contains { $0.action == "route_duplicate" })
        #expect(try stores[1].routing.unfinishedMoves().isEmpty)
        for file in files { #expect(try stores[1].routing.routedFile(contentHash: file.digest.sha256) != nil) }
    }
}
