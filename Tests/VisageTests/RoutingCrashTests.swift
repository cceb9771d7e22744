import Foundation
import Testing
import VisageModels
import VisagePeopleBench
import VisageSQLite
import VisageStorage

/// `visage route` killed with SIGKILL at many moments of routing a batch: after the next start's
/// recovery, every file of the batch exists exactly once, with its original bytes, in the inbox,
/// the destination or the review folder; and routing again finishes the batch. When /dev/shm is
/// another file system than the temporary folder, the destination is there, so the moves copy.
@Suite struct RoutingCrashTests {
    static func hashes(in folders: [String]) throws -> [String: [String]] {
        var found: [String: [String]] = [:]
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let path = (folder as NSString).appendingPathComponent(name)
                found[try FileDigest.of(URL(fileURLWithPath: path)).sha256, default: []].append(path)
            }
        }
        return found
    }

    static func device(_ path: String) -> UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.systemNumber] as? UInt64
    }

    @Test func everyFileSurvivesKillsAtAnyMoment() throws {
        let root = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data"), inbox = root.appendingPathComponent("inbox").path
        let review = root.appendingPathComponent("review").path
        var destination = root.appendingPathComponent("final").path
        let shm = "/dev/shm"
        if let shmDevice = Self.device(shm), shmDevice != Self.device(root.path), FileManager.default.isWritableFile(atPath: shm) {
            destination = "\(shm)/visage-crash-\(UUID().uuidString)"
        }
        defer { try? FileManager.default.removeItem(atPath: destination) }
        for folder in [inbox, review, destination] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        try store.saveRoutingSettings(FaceRoutingSettings(destinationPath: destination, reviewPath: review, inboxPath: inbox), actor: "test")
        let options = ["--data", data.path, "--pack", "lite", "--model-dir", CLI.modelDirectory]
        let obama = PeopleQualityTests.photos(of: "Barack_Obama")
        #expect(CLI.run(["references", "add", "Barack Obama"] + obama.prefix(3) + options).status == 0)

        // The batch: the person's other photos, strangers, a corrupt file and a tiny video.
        var batch = obama.dropFirst(3).prefix(5).map { $0 } + PeopleQualityTests.photos(of: "Angelina_Jolie").prefix(4)
        batch += [
            CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.jpg").path,
            CLI.testdata.appendingPathComponent("video/pigallery2/video.mp4").path,
        ]
        var original: [String: String] = [:]  // hash -> name
        /// Copies the batch into the inbox with `tag` appended to each file's bytes (decoders stop
        /// at the image's end), so each filling is new content rather than duplicates.
        func fill(_ tag: String) throws {
            for (index, path) in batch.enumerated() {
                let name = "\(tag)-\(index)." + (path as NSString).pathExtension
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + Data(tag.utf8)
                try bytes.write(to: URL(fileURLWithPath: (inbox as NSString).appendingPathComponent(name)))
                original[try FileDigest.of(URL(fileURLWithPath: (inbox as NSString).appendingPathComponent(name))).sha256] = name
            }
        }
        try fill("a")
        #expect(original.count == batch.count, "every file has its own bytes")

        func check(_ moment: String) throws {
            let found = try Self.hashes(in: [inbox, destination, review])
            #expect(Set(found.keys) == Set(original.keys), "\(moment): files lost or foreign: \(found)")
            for (hash, paths) in found where paths.count != 1 { Issue.record("\(moment): \(original[hash] ?? hash) at \(paths)") }
        }

        // Moves take microseconds, so random kills rarely land inside one: first kill at each step
        // of a move (`VISAGE_ROUTING_CRASH_AT`, the fault-injection hook), at the 1st and 2nd move.
        for step in ["planned", "copied", "linked", "unlinked"] {
            for move in [1, 2] {
                // A run that the kill never reached routes the rest: refill to keep the moves coming.
                if try FileManager.default.contentsOfDirectory(atPath: inbox).count < 3 { try fill("\(step)\(move)") }
                let remaining = try FileManager.default.contentsOfDirectory(atPath: inbox).sorted().map {
                    (inbox as NSString).appendingPathComponent($0)
                }
                let killed = CLI.run(["route"] + remaining + options, environment: ["VISAGE_ROUTING_CRASH_AT": "\(step):\(move)"])
                let crossDevice = Self.device(destination) != Self.device(inbox)
                // Every move passes `planned`, `linked` and `unlinked`; only a cross-device one `copied`.
                if step != "copied" || crossDevice { #expect(killed.status == 9 || step == "copied", "\(step):\(move) exited \(killed.status)") }
                let recovered = CLI.run(["route"] + options)
                #expect(recovered.status == 0, "\(recovered.stderr)")
                print("routing crash at \(step):\(move): \(recovered.stderr.trimmingCharacters(in: .newlines))")
                try check("after a kill at \(step) of move \(move)")
            }
        }
        // Then a fresh batch, killed at moments spread over a run (model loading, checks, moves).
        try fill("b")
        var random = BenchRandom(seed: 7)
        var kills = 0
        for round in 0..<10 {
            let remaining = try FileManager.default.contentsOfDirectory(atPath: inbox).sorted().map { (inbox as NSString).appendingPathComponent($0) }
            if remaining.isEmpty { break }
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["route"] + remaining + options
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 1.0 + Double.random(in: 0..<3, using: &random) + Double(round) * 0.2)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            let recovered = CLI.run(["route"] + options)
            #expect(recovered.status == 0, "\(recovered.stderr)")
            if !recovered.stderr.isEmpty { print("routing crash round \(round): \(recovered.stderr.trimmingCharacters(in: .newlines))") }
            try check("after round \(round)")
        }
        #expect(kills >= 3, "the kills should land mid-run")
        // Finish the batch; it is all where it belongs.
        let rest = try FileManager.default.contentsOfDirectory(atPath: inbox).map { (inbox as NSString).appendingPathComponent($0) }
        if !rest.isEmpty { #expect(CLI.run(["route"] + rest + options).status == 0) }
        try check("at the end")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox).isEmpty)
        let routed = Set(try Self.hashes(in: [destination]).keys.compactMap { original[$0] })
        for tag in Set(original.values.map { String($0.prefix { $0 != "-" }) }) {
            for index in 0..<5 {
                #expect(routed.contains("\(tag)-\(index).jpg"), "\(tag)-\(index).jpg is a reference person's photo: \(routed.sorted())")
            }
        }
        #expect(try store.unfinishedMoves().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination).allSatisfy { !$0.hasSuffix(".visage-partial") })
    }
}
