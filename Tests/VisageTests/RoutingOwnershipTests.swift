import Foundation
import Synchronization
import Testing
import VisageCore
import VisageStorage

/// Issue 15's move ownership, as a store contract on every backend: a move is planned under a
/// live lease, one planned move per source, a live owner's moves are never orphaned, and of
/// several recoverers exactly one claims each move of a gone owner.
@Suite struct RoutingOwnershipTests {
    typealias Routing = RoutingStoreTests

    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? VisageError)?.code ?? "\(error)"
        }
    }

    @Test(arguments: StoreBackend.all) func aMoveIsPlannedOnlyUnderALiveLease(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.routing()
        #expect(Self.code { _ = try Routing.plan(store, 1, routed: nil, owner: "nobody") } == "routing_failed")
        try Routing.register(store, "brief", lease: 0.3)
        let owners = try store.routingOwners()
        #expect(owners.map(\.owner) == [RoutingOwner(id: "brief", machine: nil, pid: 0)] && owners.allSatisfy(\.isLive))
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try store.routingOwners().map(\.isLive) == [false])
        #expect(Self.code { _ = try Routing.plan(store, 1, routed: nil, owner: "brief") } == "routing_failed", "the lease lapsed")
        try Routing.register(store, "brief")
        #expect(try Routing.plan(store, 1, routed: nil, owner: "brief").owner == "brief", "renewed")
        try store.removeRoutingOwner(id: "brief")
        #expect(try store.routingOwners().isEmpty)
        #expect(Self.code { _ = try Routing.plan(store, 2, routed: nil, owner: "brief") } == "routing_failed")
    }

    /// A file is moved once at a time: a second planned move of its source is refused, whoever
    /// plans it, until the first finishes.
    @Test(arguments: StoreBackend.all) func aSourceHasOnePlannedMoveAtATime(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let processes = try [database.routing(), database.routing()]
        try Routing.register(processes[0], "a")
        try Routing.register(processes[1], "b")
        let first = try Routing.plan(processes[0], 1, routed: Routing.routed(1), owner: "a")
        for (store, owner) in [(processes[1], "b"), (processes[0], "a")] {
            #expect(Self.code { _ = try Routing.plan(store, 1, routed: nil, owner: owner) } == "routing_in_progress")
        }
        #expect(try processes[1].unfinishedMoves().map(\.id) == [first.id], "the refused plans left no row")
        try processes[0].finishMove(first.id, owner: "a", state: .rolledBack, audit: nil)
        let second = try Routing.plan(processes[1], 1, routed: Routing.routed(1), owner: "b")
        #expect(second.owner == "b" && second.source == first.source)
    }

    /// A live owner's planned move is not another's to recover or finish; once its lease lapses
    /// it is orphaned, claimed once, and then only its claimer finishes it.
    @Test(arguments: StoreBackend.all) func onlyAGoneOwnersMovesAreClaimed(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let (a, b) = (try database.routing(), try database.routing())
        try Routing.register(a, "a", lease: 1.5)
        try Routing.register(b, "b")
        try Routing.register(b, "c")
        let live = try Routing.plan(a, 1, routed: Routing.routed(1), owner: "a")
        let removed = try Routing.plan(a, 2, routed: Routing.routed(2), owner: "a")
        #expect(try b.orphanedMoves().isEmpty, "a's lease is live")
        #expect(try b.claimMove(live.id, from: "a", to: "b") == false)
        #expect(Self.code { try b.finishMove(live.id, owner: "b", state: .rolledBack, audit: nil) } == "store_failed")

        Thread.sleep(forTimeInterval: 1.8)
        #expect(try b.orphanedMoves().map(\.id) == [live.id, removed.id])
        #expect(try b.claimMove(live.id, from: "a", to: "b"))
        #expect(try b.claimMove(live.id, from: "a", to: "c") == false, "claimed once")
        #expect(try b.claimMove(live.id, from: "b", to: "c") == false, "b is live")
        #expect(try b.orphanedMoves().map(\.id) == [removed.id])
        // Back too late: a's lease is renewed, but the claimed move is b's now.
        try Routing.register(a, "a")
        #expect(try b.orphanedMoves().isEmpty, "a's remaining move is a's again")
        #expect(Self.code { try a.finishMove(live.id, owner: "a", state: .done, audit: nil) } == "store_failed")
        try b.finishMove(live.id, owner: "b", state: .done, audit: ("move_recovered", nil, nil))
        #expect(try a.routedFile(contentHash: Routing.hash(1)) == Routing.routed(1))
        // An owner's row removed (a clean stop, or a process seen gone): its moves are orphaned at once.
        try a.removeRoutingOwner(id: "a")
        #expect(try b.orphanedMoves().map { [$0.id: $0.owner] } == [[removed.id: "a"]])
        #expect(Self.code { _ = try b.claimMove(removed.id, from: "a", to: "gone") } == "routing_failed", "a claimer needs a live lease")
        #expect(try b.claimMove(removed.id, from: "a", to: "c"))
        #expect(try a.unfinishedMoves().map(\.owner) == ["c"])
    }

    /// Two processes recovering at once: each sees every orphaned move and tries to claim it; one
    /// claim of each wins. Without the compare-and-set both would, and both would move the file.
    @Test(arguments: StoreBackend.all) func racingRecoverersClaimEachMoveOnce(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let processes = try [database.routing(), database.routing()]
        try Routing.register(processes[0], "crashed", lease: 1)
        let moves = try (1...40).map { try Routing.plan(processes[0], $0, routed: nil, owner: "crashed") }
        for (index, store) in processes.enumerated() { try Routing.register(store, "p\(index)") }
        Thread.sleep(forTimeInterval: 1.2)
        let claims = Mutex<[Int64: [String]]>([:])
        let rendezvous = Rendezvous()
        DispatchQueue.concurrentPerform(iterations: processes.count) { index in
            let owner = "p\(index)"
            do {
                // Both have read every orphan before either claims one, so each move is raced for.
                let orphans = try processes[index].orphanedMoves()
                rendezvous.meet(index)
                for move in orphans {
                    guard try processes[index].claimMove(move.id, from: move.owner, to: owner) else { continue }
                    claims.withLock { $0[move.id, default: []].append(owner) }
                }
            } catch {
                Issue.record("\(owner): \(error)")
            }
        }
        let claimed = claims.withLock { $0 }
        #expect(Set(claimed.keys) == Set(moves.map(\.id)) && claimed.values.allSatisfy { $0.count == 1 }, "\(claimed)")
        let owners = Dictionary(uniqueKeysWithValues: try processes[1].unfinishedMoves().map { ($0.id, $0.owner) })
        #expect(claimed.allSatisfy { owners[$0.key] == $0.value.first })
        #expect(try processes[0].orphanedMoves().isEmpty)
    }
}

/// Two threads wait for each other here: each arrives, then goes on once the other has.
final class Rendezvous: Sendable {
    private let arrived = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]

    /// `party`: 0 or 1.
    func meet(_ party: Int) {
        arrived[party].signal()
        arrived[1 - party].wait()
    }
}
