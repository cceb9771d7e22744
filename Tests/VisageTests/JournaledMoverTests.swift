import Foundation
import Testing
import VisageModels
import VisageSQLite
import VisageStorage

@testable import VisageRouting

/// The move journal's recovery, from each state a crash can leave: before the move, after the
/// link (or the copy), after the source went. Every file ends at exactly one place, whole.
@Suite struct JournaledMoverTests {
    struct Scene {
        let root = TestServices.temporaryDirectory()
        let store: SQLiteFaceStore
        let mover: JournaledMover
        var inbox: String { root.appendingPathComponent("inbox").path }
        var target: String { root.appendingPathComponent("target").path }

        /// The process that "crashed" mid-move: its owner row is removed before recovery.
        static let crashed = RoutingOwner(id: "crashed", machine: nil, pid: 0)

        init() throws {
            store = try SQLiteFaceStore.inMemory()
            mover = JournaledMover(store: store, lease: RoutingLease(store: store))
            try store.renewRoutingOwner(Self.crashed, lease: 600)
            for folder in [inbox, target] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        }

        /// A file in the inbox with unique bytes, and its digest.
        func file(_ name: String, bytes: Int = 3000) throws -> (path: String, digest: FileDigest) {
            let path = (inbox as NSString).appendingPathComponent(name)
            try Data((0..<bytes).map { UInt8(($0 * 7 + name.count) % 251) } + Array(name.utf8)).write(to: URL(fileURLWithPath: path))
            return (path, try FileDigest.of(URL(fileURLWithPath: path)))
        }

        /// Journals a move as the mover does before touching the file.
        func plan(_ file: (path: String, digest: FileDigest)) throws -> String {
            let destination = (target as NSString).appendingPathComponent((file.path as NSString).lastPathComponent)
            _ = try store.planMove(
                source: file.path, destination: destination, contentHash: file.digest.sha256, size: file.digest.size, reason: "match",
                routed: RoutedFile(
                    contentHash: file.digest.sha256, originalPath: file.path, routedTo: destination, hasMatch: true, personName: "P",
                    routedAt: Date()),
                owner: Self.crashed.id)
            return destination
        }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func aMoveLinksThenUnlinksAndNeverReplaces() throws {
        let scene = try Scene()
        defer { try? FileManager.default.removeItem(at: scene.root) }
        let a = try scene.file("a.jpg")
        let moved = try scene.mover.move(a.path, digest: a.digest, into: scene.target, reason: "match", routed: { _ in nil }, audit: { _ in nil })
        #expect(moved == (scene.target as NSString).appendingPathComponent("a.jpg") && !Self.exists(a.path))
        // The name is taken now: the next file of that name gets "a (2).jpg".
        let again = try scene.file("a.jpg", bytes: 10)
        let second = try scene.mover.move(
            again.path, digest: again.digest, into: scene.target, reason: "match", routed: { _ in nil }, audit: { _ in nil })
        #expect((second as NSString).lastPathComponent == "a (2).jpg")
        #expect(try FileDigest.of(URL(fileURLWithPath: moved)) == a.digest, "the first file was not replaced")
        #expect(try scene.store.unfinishedMoves().isEmpty)
    }

    @Test func recoveryCompletesOrUndoesEachCrashPoint() throws {
        let scene = try Scene()
        defer { try? FileManager.default.removeItem(at: scene.root) }
        // Crashed before anything moved: the file stays.
        let before = try scene.file("before.jpg")
        let beforeTarget = try scene.plan(before)
        // Crashed after the link: two names, one file. The source goes.
        let linked = try scene.file("linked.jpg")
        let linkedTarget = try scene.plan(linked)
        try FileManager.default.linkItem(atPath: linked.path, toPath: linkedTarget)
        // Crashed after the source went: done.
        let done = try scene.file("done.jpg")
        let doneTarget = try scene.plan(done)
        try FileManager.default.moveItem(atPath: done.path, toPath: doneTarget)
        // Crashed during a cross-device copy: a partial copy, never linked. It is removed.
        let copying = try scene.file("copying.jpg")
        let copyingTarget = try scene.plan(copying)
        try Data(try Data(contentsOf: URL(fileURLWithPath: copying.path)).prefix(100)).write(
            to: URL(fileURLWithPath: copyingTarget + ".visage-partial"))
        // Someone else's file took the destination name meanwhile: it is left alone, ours stays.
        let taken = try scene.file("taken.jpg")
        let takenTarget = try scene.plan(taken)
        try Data("someone else".utf8).write(to: URL(fileURLWithPath: takenTarget))

        #expect(try scene.mover.recover().isEmpty, "the owner of the moves is live")
        try scene.store.removeRoutingOwner(id: Scene.crashed.id)
        let recovery = try scene.mover.recover()
        #expect(Set(recovery.completed) == [linkedTarget, doneTarget])
        #expect(Set(recovery.rolledBack) == [before.path, copying.path, taken.path] && recovery.missing.isEmpty)
        #expect(Self.exists(before.path) && !Self.exists(beforeTarget))
        #expect(!Self.exists(linked.path) && Self.exists(linkedTarget))
        #expect(Self.exists(doneTarget) && !Self.exists(done.path))
        #expect(Self.exists(copying.path) && !Self.exists(copyingTarget) && !Self.exists(copyingTarget + ".visage-partial"))
        #expect(Self.exists(taken.path) && (try? String(contentsOfFile: takenTarget, encoding: .utf8)) == "someone else")
        #expect(try scene.store.unfinishedMoves().isEmpty)
        #expect(try scene.mover.recover().isEmpty, "nothing left to recover")
        // A completed move records its routing, so the same content later is a duplicate.
        #expect(try scene.store.routedFile(contentHash: linked.digest.sha256)?.routedTo == linkedTarget)
        #expect(try scene.store.routedFile(contentHash: before.digest.sha256) == nil)
        let recovered = try scene.store.mediaAudit(limit: 10).filter { $0.action == "move_recovered" }
        #expect(recovered.count == 5)
    }
}
