import Foundation
import Testing
import VisageSQLite
import VisageStorage

/// `visage references` and `visage check` on a data directory, as a user runs them (seed 003's
/// `add_reference_face.py` and `test_face_recognition.py`).
@Suite struct ReferenceCommandsTests {
    func run(_ arguments: [String], data: URL) -> CLI.Result {
        CLI.run(arguments + ["--data", data.path, "--pack", "lite", "--model-dir", CLI.modelDirectory])
    }

    static func lines(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func addListCheckAndRemove() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let miranda = CLI.testdata.appendingPathComponent("faces_identity/face_recognition/examples/lin-manuel-miranda.png").path
        let group = CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path
        let added = run(["references", "add", "  Lin-Manuel Miranda ", miranda, group], data: data)
        #expect(added.status == 1, "the group photo fails alone: \(added.stderr)")
        let addedLines = Self.lines(added.stdout)
        #expect(addedLines.count == 2 && addedLines[0]["person_name"] as? String == "Lin-Manuel Miranda")
        #expect((addedLines[1]["error"] as? [String: Any])?["code"] as? String == "face_ambiguous" && addedLines[1]["file_path"] as? String == group)

        let listed = Self.lines(run(["references", "list"], data: data).stdout)
        #expect(listed.count == 1 && listed[0]["reference_image_path"] as? String == miranda)

        let clip = CLI.testdata.appendingPathComponent("video/short_hamilton_clip.mp4").path
        let checked = run(["check", clip, group, "/nonexistent.jpg", "--tolerance", "0.6"], data: data)
        #expect(checked.status == 1)
        let results = Self.lines(checked.stdout)
        try #require(results.count == 3, "\(checked.stdout) \(checked.stderr)")
        #expect(results[0]["media_type"] as? String == "video" && results[0]["has_match"] as? Bool == true, "\(results[0])")
        #expect(results[1]["file_path"] as? String == group && results[1]["has_match"] as? Bool == false)
        #expect((results[2]["error"] as? [String: Any])?["code"] as? String == "image_not_found")
        #expect(run(["check", clip, "--tolerance", "2"], data: data).status != 0)

        let id = try #require(listed[0]["id"] as? Int)
        let removed = run(["references", "remove", String(id)], data: data)
        #expect(removed.status == 0 && removed.stdout.contains("removed reference \(id)"))
        #expect(Self.lines(run(["references", "list"], data: data).stdout).isEmpty)
        #expect(run(["references", "remove", String(id)], data: data).status == 1)
    }
}

/// `visage route` and `visage watch`: the seed's move module from the command line, on the data
/// directory's settings and references.
@Suite struct RouteCommandsTests {
    @Test func routeAndWatchMoveTheInbox() throws {
        let root = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        let (inbox, final, review) = (
            root.appendingPathComponent("inbox"), root.appendingPathComponent("final"), root.appendingPathComponent("review")
        )
        for folder in [data, inbox, final, review] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let options = ["--data", data.path, "--pack", "lite", "--model-dir", CLI.modelDirectory]
        let unconfigured = CLI.run(["route", "/tmp/x.jpg"] + options)
        #expect(
            unconfigured.status == 1
                && (ReferenceCommandsTests.lines(unconfigured.stdout).first?["error"] as? [String: Any])?["code"] as? String
                    == "routing_not_configured"
        )
        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        try store.saveRoutingSettings(FaceRoutingSettings(destinationPath: final.path, reviewPath: review.path, inboxPath: inbox.path), actor: "test")
        let obama = PeopleQualityTests.photos(of: "Barack_Obama")
        #expect(CLI.run(["references", "add", "Barack Obama"] + obama.prefix(3) + options).status == 0)

        let first = inbox.appendingPathComponent("first.jpg").path
        try FileManager.default.copyItem(atPath: obama[4], toPath: first)
        let routed = ReferenceCommandsTests.lines(CLI.run(["route", first] + options).stdout)
        #expect(routed.first?["moved_to"] as? String == final.appendingPathComponent("first.jpg").path, "\(routed)")

        // watch: files that settled are routed; a download still named .part is not.
        try FileManager.default.copyItem(atPath: obama[5], toPath: inbox.appendingPathComponent("second.jpg").path)
        try FileManager.default.copyItem(
            atPath: PeopleQualityTests.photos(of: "Angelina_Jolie")[0], toPath: inbox.appendingPathComponent("third.jpg").path)
        try FileManager.default.copyItem(atPath: obama[6], toPath: inbox.appendingPathComponent("partial.jpg.part").path)
        let watched = CLI.run(["watch", "--once", "--interval", "0.3"] + options)
        #expect(watched.status == 0, "\(watched.stderr)")
        let lines = ReferenceCommandsTests.lines(watched.stdout)
        #expect(lines.count == 2, "\(watched.stdout)")
        #expect(FileManager.default.fileExists(atPath: final.appendingPathComponent("second.jpg").path))
        #expect(FileManager.default.fileExists(atPath: review.appendingPathComponent("third.jpg").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path) == ["partial.jpg.part"])
    }

    /// Two `visage watch` processes on one data directory and inbox (recognition off, so they
    /// only move): every file is routed once, reported once, and neither reports an error; each
    /// removes its owner row when it exits. (The races themselves: `RoutingSharedJournalTests`.)
    @Test func twoWatchProcessesRouteEachFileOnce() async throws {
        let root = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        let (inbox, final, review) = (
            root.appendingPathComponent("inbox"), root.appendingPathComponent("final"), root.appendingPathComponent("review")
        )
        for folder in [data, inbox, final, review] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let store = try SQLiteFaceStore(path: data.appendingPathComponent("visage.sqlite").path)
        try store.saveRoutingSettings(
            FaceRoutingSettings(enabled: false, destinationPath: final.path, reviewPath: review.path, inboxPath: inbox.path), actor: "test")
        let names = (0..<40).map { "\($0).jpg" }
        for name in names { try Data("file \(name)".utf8).write(to: inbox.appendingPathComponent(name)) }
        let arguments = ["watch", "--once", "--interval", "0.5", "--data", data.path, "--pack", "lite", "--model-dir", CLI.modelDirectory]
        async let first = CLI.running(arguments)
        async let second = CLI.running(arguments)
        let results = await [first, second]
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let lines = results.flatMap { ReferenceCommandsTests.lines($0.stdout) }
        #expect(lines.count == names.count && lines.allSatisfy { $0["moved_to"] is String }, "\(results.map(\.stdout))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: final.path).sorted() == names.sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).isEmpty)
        #expect(try store.unfinishedMoves().isEmpty && store.routingOwners().isEmpty)
    }
}
