import Foundation
import Testing
import VisageCore
import VisageStorage

/// What only the shared backend promises: several processes (here, stores with connections of
/// their own) writing one collection at once keep its rules. The embedded store serialises its
/// writers in one process instead, so this runs on PostgreSQL alone.
@Suite struct PostgresCollectionsConcurrencyTests {
    /// The first faces of a new collection fix its dimension even when adds of two sizes race:
    /// every add of the other size is refused, none slips in.
    @Test func racingFirstAddsAgreeOnOneDimension() throws {
        let database = try StoreBackend.postgres.makeDatabase()
        defer { database.remove() }
        let stores = try (0..<4).map { _ in try database.collections() }
        for round in 0..<3 {
            let outcomes = Outcomes()
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                let size = index % 2 == 0 ? 3 : 4
                let vector = FaceCollectionsTests.unit((0..<size).map { Float($0 + index + 1) })
                let image = FaceCollectionsTests.image("image-\(index)", collection: "race\(round)", [vector])
                do {
                    _ = try stores[index % stores.count].add(image)
                    outcomes.record(size: size, error: nil)
                } catch {
                    outcomes.record(size: size, error: (error as? VisageError)?.code ?? "\(error)")
                }
            }
            let sizes = Set(outcomes.succeeded)
            #expect(sizes.count == 1 && outcomes.succeeded.count == 4, "round \(round): \(outcomes.succeeded)")
            #expect(outcomes.errors == Array(repeating: "embedding_dimension_mismatch", count: 4))
            #expect(try stores[0].collections().first { $0.name == "race\(round)" }?.faces == 4)
        }
    }

    /// Racing replacements of one image leave exactly one version of it, never two rows or a mix.
    @Test func racingReplacementsLeaveOneImage() throws {
        let database = try StoreBackend.postgres.makeDatabase()
        defer { database.remove() }
        let stores = try (0..<4).map { _ in try database.collections() }
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            let faces = (0..<2).map { FaceCollectionsTests.unit([1, Float(index), Float($0)]) }
            _ = try? stores[index % stores.count].add(FaceCollectionsTests.image("same", faces))
        }
        #expect(try stores[0].collections() == [CollectionSummary(name: "c", images: 1, faces: 2)])
        let stored = try #require(try stores[1].image(collection: "c", imageID: "same"))
        // Each add's faces carry its index as the ratio of their first two components.
        let adds = Set(stored.faces.map { ($0.embedding[1] / $0.embedding[0]).rounded() })
        #expect(stored.faces.count == 2 && adds.count == 1, "both faces come from one add: \(adds)")
    }
}

/// What the racing adds reported, collected across threads.
private final class Outcomes: @unchecked Sendable {
    // @unchecked: both arrays are only touched under `lock`.
    private let lock = NSLock()
    private var sizes: [Int] = []
    private var codes: [String] = []

    func record(size: Int, error: String?) {
        lock.withLock {
            if let error { codes.append(error) } else { sizes.append(size) }
        }
    }

    var succeeded: [Int] { lock.withLock { sizes } }
    var errors: [String] { lock.withLock { codes } }
}
