import Foundation
import GRDB
import Testing
import VisageSQLite
import VisageStorage

/// `visage import-xmp`, `visage recluster` and `visage reindex` on a data directory, run as a
/// user runs them.
@Suite struct LibraryCommandsTests {
    static let xmp = CLI.testdata.appendingPathComponent("xmp_face_regions")

    func run(_ arguments: [String], data: URL) -> CLI.Result {
        CLI.run(arguments + ["--data", data.path, "--pack", "lite", "--model-dir", CLI.modelDirectory])
    }

    @Test func importLabelsALibraryThenReindexKeepsPeople() throws {
        let data = TestServices.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let folders = [
            Self.xmp.appendingPathComponent("exif-orientation-vs-face-regions").path,
            CLI.testdata.appendingPathComponent("faces_group/face_recognition_obama_and_biden.jpg").path,
        ]
        let imported = run(["import-xmp"] + folders, data: data)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("with named face regions"))
        #expect(imported.stdout.contains("imported"), "\(imported.stdout)")

        let database = data.appendingPathComponent("visage.sqlite").path
        func people() throws -> [String: Int] {
            let store = try SQLiteFaceStore(path: database)
            var counts: [String: Int] = [:]
            for cluster in try store.clusters() { if let name = cluster.name { counts[name, default: 0] += cluster.faceCount } }
            return counts
        }
        let named = try people()
        #expect(named["Marie Curie"] == 10 && named["Pierre Curie"] == 10, "\(named)")

        let reclustered = run(["recluster"], data: data)
        #expect(reclustered.status == 0 && reclustered.stdout.contains("reclustered"), "\(reclustered.stderr)")
        #expect(try people() == named)

        // Pretend the library was built by another model: reindex re-embeds every face with the
        // current one, keeping face ids and people.
        let faceIDs = try Set(SQLiteFaceStore(path: database).faces(embeddingModel: "MobileFaceNet_paddlex_128d").map(\.id))
        try DatabaseQueue(path: database).write { db in
            try db.execute(sql: "UPDATE face SET embedding_model = 'older-model'")
            try db.execute(sql: "UPDATE cluster SET embedding_model = 'older-model'")
        }
        let reindexed = run(["reindex"], data: data)
        #expect(reindexed.status == 0, "\(reindexed.stderr)")
        let store = try SQLiteFaceStore(path: database)
        #expect(try Set(store.faces(embeddingModel: "MobileFaceNet_paddlex_128d").map(\.id)) == faceIDs)
        #expect(try store.faces(embeddingModel: "older-model").isEmpty)
        #expect(try people() == named)
        #expect(try store.clusters().allSatisfy { $0.embeddingModel == "MobileFaceNet_paddlex_128d" })
    }
}
