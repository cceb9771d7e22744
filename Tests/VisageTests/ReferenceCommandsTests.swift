import Foundation
import Testing

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
