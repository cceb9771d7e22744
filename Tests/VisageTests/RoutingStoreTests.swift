import Foundation
import Testing
import VisageCore
import VisageStorage

/// Seed 003's routing store: settings, the move journal (a move finishes once, writing its
/// routing record and audit line with it), the rows it refuses, and that a crash's unfinished
/// moves survive reopening. Runs against every backend in `StoreBackend.all`.
@Suite struct RoutingStoreTests {
    static func hash(_ seed: Int) -> String {
        String(repeating: String(format: "%02x", seed % 256), count: 32)
    }

    /// A whole second, so both backends keep it exactly.
    static let routedAt = Date(timeIntervalSince1970: 1_800_000_000)

    static func routed(_ seed: Int, match: Bool = true) -> RoutedFile {
        RoutedFile(
            contentHash: hash(seed), originalPath: "/inbox/\(seed).jpg", routedTo: "/people/\(seed).jpg", hasMatch: match,
            personName: match ? "Ada" : nil, routedAt: routedAt)
    }

    /// The owner the tests plan and finish moves as: registered with a lease that outlasts the test.
    static let owner = "test-owner"

    @discardableResult static func register(_ store: any RoutingStore, _ id: String = owner, lease: TimeInterval = 600) throws -> String {
        try store.renewRoutingOwner(RoutingOwner(id: id, machine: nil, pid: 0), lease: lease)
        return id
    }

    static func plan(_ store: any RoutingStore, _ seed: Int, routed: RoutedFile?, owner: String = owner) throws -> FileMove {
        try store.planMove(
            source: "/inbox/\(seed).jpg", destination: "/people/\(seed).jpg", contentHash: hash(seed), size: Int64(seed * 100),
            reason: "match", routed: routed, owner: owner)
    }

    @Test(arguments: StoreBackend.all) func settingsDefaultThenKeepWhatWasSaved(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        do {
            let store = try database.routing()
            #expect(try store.routingSettings() == FaceRoutingSettings())
            try store.saveRoutingSettings(FaceRoutingSettings(enabled: false, tolerance: 0.45, personName: "Ada"), actor: "key-1")
            let settings = FaceRoutingSettings(
                enabled: true, tolerance: 0.5, personName: nil, destinationPath: "/people", reviewPath: "/review", inboxPath: "/inbox")
            try store.saveRoutingSettings(settings, actor: "key-2")
            #expect(try store.routingSettings() == settings)
        }
        let reopened = try database.open()
        #expect(try reopened.routing.routingSettings().inboxPath == "/inbox")
        let audit = try reopened.references.mediaAudit(limit: 10)
        #expect(audit.map(\.action) == ["settings_update", "settings_update"] && audit.map(\.actor) == ["key-2", "key-1"])
        let logged = try JSONDecoder().decode(FaceRoutingSettings.self, from: Data((audit[0].detail ?? "").utf8))
        #expect(logged == (try reopened.routing.routingSettings()))
    }

    @Test(arguments: StoreBackend.all) func aFinishedMoveWritesItsRecordAndAuditOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let stores = try database.open()
        let store = stores.routing
        try Self.register(store)
        let done = try Self.plan(store, 1, routed: Self.routed(1))
        #expect(done.state == .planned && done.source == "/inbox/1.jpg" && done.destination == "/people/1.jpg")
        #expect(done.contentHash == Self.hash(1) && done.size == 100 && done.reason == "match" && done.routed == Self.routed(1))
        #expect(done.owner == Self.owner)
        let undone = try Self.plan(store, 2, routed: Self.routed(2))
        let plain = try Self.plan(store, 3, routed: nil)
        #expect(try store.unfinishedMoves().map(\.id) == [done.id, undone.id, plain.id])

        try store.finishMove(done.id, owner: Self.owner, state: .done, audit: ("route_match", "key-1", #"{"file":"1.jpg"}"#))
        try store.finishMove(undone.id, owner: Self.owner, state: .rolledBack, audit: nil)
        try store.finishMove(plain.id, owner: Self.owner, state: .done, audit: ("review_keep", nil, nil))
        #expect(try store.unfinishedMoves().isEmpty)
        #expect(try store.routedFile(contentHash: Self.hash(1)) == Self.routed(1))
        #expect(try store.routedFile(contentHash: Self.hash(2)) == nil, "a rolled-back move routed nothing")
        #expect(try store.routedFile(contentHash: Self.hash(3)) == nil, "a move without a record writes none")
        let audit = try stores.references.mediaAudit(limit: 10)
        #expect(audit.map(\.action) == ["review_keep", "route_match"] && audit[1].detail == #"{"file":"1.jpg"}"#)

        // A finished move can't be finished again, an unknown one at all, nor a move finished as planned.
        for (id, state) in [(done.id, FileMove.State.rolledBack), (undone.id, .done), (999_999, .done)] {
            let error = #expect(throws: VisageError.self) { try store.finishMove(id, owner: Self.owner, state: state, audit: ("again", nil, nil)) }
            #expect(error?.code == "store_failed")
        }
        let planned = try Self.plan(store, 4, routed: Self.routed(4))
        #expect(throws: VisageError.self) { try store.finishMove(planned.id, owner: Self.owner, state: .planned, audit: nil) }
        #expect(try store.unfinishedMoves().map(\.id) == [planned.id])
        #expect(try store.routedFile(contentHash: Self.hash(1)) == Self.routed(1))
        #expect(try store.routedFile(contentHash: Self.hash(2)) == nil)
        #expect(try stores.references.mediaAudit(limit: 10).count == 2, "refused finishes write no audit line")

        // The same content routed again: the later record replaces the earlier.
        var later = Self.routed(1, match: false)
        later.routedTo = "/review/1.jpg"
        let again = try store.planMove(
            source: "/inbox/1 (2).jpg", destination: "/review/1.jpg", contentHash: Self.hash(1), size: 100, reason: "no_match", routed: later,
            owner: Self.owner)
        try store.finishMove(again.id, owner: Self.owner, state: .done, audit: nil)
        #expect(try store.routedFile(contentHash: Self.hash(1)) == later)
    }

    /// The journal's CHECKs: a move goes somewhere else, has a SHA-256, a size and a reason.
    @Test(arguments: StoreBackend.all) func impossibleMovesAreRefused(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.routing()
        try Self.register(store)
        let good = Self.hash(0xab)  // letters, so upper case differs
        let refused: [(source: String, destination: String, hash: String, size: Int64, reason: String)] = [
            ("/a.jpg", "/a.jpg", good, 1, "match"), ("", "/b.jpg", good, 1, "match"), ("/a.jpg", "", good, 1, "match"),
            ("/a.jpg", "/b.jpg", good.uppercased(), 1, "match"), ("/a.jpg", "/b.jpg", String(good.dropLast()), 1, "match"),
            ("/a.jpg", "/b.jpg", String(good.dropLast()) + "g", 1, "match"), ("/a.jpg", "/b.jpg", good, -1, "match"),
            ("/a.jpg", "/b.jpg", good, 1, ""),
        ]
        for bad in refused {
            let error = #expect(throws: VisageError.self, "\(bad)") {
                try store.planMove(
                    source: bad.source, destination: bad.destination, contentHash: bad.hash, size: bad.size, reason: bad.reason,
                    routed: nil, owner: Self.owner)
            }
            #expect(error?.code == "store_failed")
        }
        #expect(try store.unfinishedMoves().isEmpty)
    }

    /// What a crash leaves is there for the next process's recovery.
    @Test(arguments: StoreBackend.all) func unfinishedMovesSurviveReopening(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let planned: [FileMove]
        do {
            let store = try database.routing()
            try Self.register(store)
            planned = try [Self.plan(store, 1, routed: Self.routed(1)), Self.plan(store, 2, routed: nil)]
            try store.finishMove(try Self.plan(store, 3, routed: Self.routed(3)).id, owner: Self.owner, state: .done, audit: nil)
        }
        let reopened = try database.routing()
        let unfinished = try reopened.unfinishedMoves()
        #expect(unfinished.map(\.id) == planned.map(\.id) && unfinished.map(\.routed) == planned.map(\.routed))
        #expect(zip(unfinished, planned).allSatisfy { abs($0.createdAt.timeIntervalSince($1.createdAt)) < 0.002 })
        #expect(try reopened.routedFile(contentHash: Self.hash(3)) == Self.routed(3))
        try reopened.finishMove(planned[0].id, owner: Self.owner, state: .done, audit: ("move_recovered", nil, nil))
        #expect(try reopened.routedFile(contentHash: Self.hash(1)) == Self.routed(1))
        #expect(try reopened.unfinishedMoves().map(\.id) == [planned[1].id])
    }

    /// Two processes recovering the same crash race to finish each move: exactly one finish of
    /// each commits, with its record and audit line; the other is refused.
    @Test(arguments: StoreBackend.all) func racingFinishersFinishEachMoveOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let processes = try [database.open(), database.open()]
        try Self.register(processes[0].routing)
        let moves = try (1...12).map { try Self.plan(processes[0].routing, $0, routed: Self.routed($0)) }
        let outcomes = FinishOutcomes()
        let routings = processes.map(\.routing)
        DispatchQueue.concurrentPerform(iterations: moves.count * 2) { index in
            let move = moves[index / 2]
            // Each move gets one `done` and one `rolledBack` finisher, from different processes.
            let state: FileMove.State = index % 2 == 0 ? .done : .rolledBack
            do {
                try routings[index % 2].finishMove(move.id, owner: Self.owner, state: state, audit: ("race", "p\(index % 2)", nil))
                outcomes.record(move: move.id, state: state, error: nil)
            } catch {
                outcomes.record(move: move.id, state: state, error: (error as? VisageError)?.code ?? "\(error)")
            }
        }
        #expect(outcomes.winners.count == moves.count, "one finish per move: \(outcomes.winners)")
        #expect(outcomes.errors == Array(repeating: "store_failed", count: moves.count))
        #expect(try processes[1].routing.unfinishedMoves().isEmpty)
        for (seed, move) in zip(1..., moves) {
            let recorded = try processes[1].routing.routedFile(contentHash: Self.hash(seed))
            #expect((recorded != nil) == (outcomes.winners[move.id] == .done), "move \(move.id)")
        }
        #expect(try processes[1].references.mediaAudit(limit: 100).count == moves.count)
    }
}

/// What the racing finishers reported, collected across threads.
private final class FinishOutcomes: @unchecked Sendable {
    // @unchecked: both collections are only touched under `lock`.
    private let lock = NSLock()
    private var won: [Int64: FileMove.State] = [:]
    private var codes: [String] = []

    func record(move: Int64, state: FileMove.State, error: String?) {
        lock.withLock {
            if let error { codes.append(error) } else { won[move] = state }
        }
    }

    var winners: [Int64: FileMove.State] { lock.withLock { won } }
    var errors: [String] { lock.withLock { codes } }
}
