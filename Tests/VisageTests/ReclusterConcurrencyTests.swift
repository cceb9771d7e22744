import Foundation
import Synchronization
import Testing
import VisageCore
import VisageRecognition
import VisageSQLite
import VisageStorage

/// A recluster clusters a snapshot without the write lock: an edit made while it runs is answered
/// at once, and the recluster, seeing the decision, starts again so the edit is kept.
@Suite struct ReclusterConcurrencyTests {
    /// 3,000 synthetic faces, one per photo, around 300 people.
    static func populatedStore() throws -> SQLiteFaceStore {
        let store = try SQLiteFaceStore.inMemory()
        var random = SeededRandom(seed: 11)
        let dimensions = TestServices.analyzer.embeddingDimensions
        let centres = (0..<300).map { _ in random.unitVector(dimensions) }
        let model = TestServices.analyzer.embeddingModelName
        for index in 0..<3000 {
            var vector = centres[index % centres.count].map { $0 + 0.04 * Float.random(in: -1...1, using: &random) }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / norm }
            let face = NewFace(box: BoundingBox(x: 10, y: 10, width: 100, height: 120), confidence: 0.9, embedding: vector)
            try store.saveAnalysis(
                imageID: "photo-\(index)", path: "/photos/\(index).jpg", width: 800, height: 600, orientation: 1,
                contentHash: nil, faces: [face], model: model)
        }
        return store
    }

    @Test func anEditDuringAReclusterIsNotBlockedAndIsKept() async throws {
        let service = try RecognitionService(analyzer: TestServices.analyzer, store: try Self.populatedStore(), configuration: .init())
        let first = try service.recluster()
        try #require(first.clustersAfter >= 100)
        let cluster = try #require(try service.faceInfo().clusters.first?.clusterID)

        let finished = Mutex(false)
        let recluster = Task.detached {
            let summary = try service.recluster()
            finished.withLock { $0 = true }
            return summary
        }
        // Edits from the start, until one is answered while the recluster still runs: held, the
        // lock would make every edit wait for its end. (How long the second run takes varies too
        // much under the full suite's load to aim at one moment.) Each edit moves the audit log,
        // so the recluster starts again and keeps the name.
        var answeredWhileReclustering = false
        repeat {
            _ = try service.nameCluster(cluster, name: "Zed")
            answeredWhileReclustering = !finished.withLock { $0 }
            try await Task.sleep(for: .milliseconds(20))
        } while !answeredWhileReclustering && !finished.withLock({ $0 })
        _ = try await recluster.value
        #expect(answeredWhileReclustering, "the edit waited for the recluster (first run took \(first.seconds) s)")
        #expect(try service.faceInfo().clusters.contains { $0.name == "Zed" }, "the name made during the recluster is kept")
    }
}
