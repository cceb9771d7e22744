import Foundation
import Testing

/// `visage classifiers train` and `list` on a data directory, as a user runs them: photos from
/// folders, the version stored where `visage serve` reads it.
@Suite struct ClassifiersCommandTests {
    func run(_ arguments: [String], data: URL) -> CLI.Result {
        CLI.run(arguments + ["--data", data.path, "--pack", "lite", "--model-dir", CLI.modelDirectory])
    }

    /// A folder of links to testdata photos.
    static func folder(_ photos: [String], in parent: URL, named name: String) throws -> String {
        let folder = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (index, photo) in photos.enumerated() {
            let source = CLI.testdata.appendingPathComponent("faces_identity/deepface/\(photo)")
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("\(index)-\(photo)"), withDestinationURL: source)
        }
        return folder.path
    }

    @Test func trainFromFoldersThenList() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let positives = try Self.folder(
            ["img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg"], in: data, named: "jolie")
        let negatives = try Self.folder(
            ["img26.jpg", "img8.jpg", "img3.jpg", "img13.jpg", "img16.jpg", "img29.jpg", "img34.jpg", "img38.jpg"], in: data, named: "others")
        let trained = run(
            [
                "classifiers", "train", "--collection", "4", "--embedding", "face", "--positives", positives, "--negatives", negatives,
                "--holdout-fraction", "0.3",
            ],
            data: data)
        #expect(trained.status == 0, "\(trained.stderr)")
        let line = try #require(trained.jsonLines.first, "\(trained.stdout)")
        #expect(line["collection_id"] as? Int == 4 && line["serving_version"] as? Int == 1)
        let version = try #require(line["version"] as? [String: Any])
        let counts = try #require((version["metrics"] as? [String: Any])?["counts"] as? [String: Int])
        #expect(counts["training_positives"]! + counts["held_out_positives"]! == 6, "every photo has one face: \(counts)")
        #expect(counts["training_negatives"]! + counts["held_out_negatives"]! == 8)
        #expect((version["metrics"] as? [String: Any])?["macro_precision"] as? Double == 1, "\(version)")

        let listed = run(["classifiers", "list"], data: data)
        #expect(listed.status == 0, "\(listed.stderr)")
        let collections = try #require(listed.jsonLines.first?["classifiers"] as? [[String: Any]])
        #expect(collections.count == 1 && collections[0]["collection_id"] as? Int == 4)

        let tooFew = run(
            [
                "classifiers", "train", "--collection", "4", "--embedding", "face", "--positives", positives, "--negatives",
                CLI.testdata.appendingPathComponent("faces_identity/deepface/img26.jpg").path,
            ],
            data: data)
        #expect(tooFew.status != 0 && tooFew.stderr.contains("too_few_examples"), "\(tooFew.stderr)")
    }
}
