import Foundation
import GRDB
import Testing
import VisageClassifiers
import VisageCore
import VisageStorage
import VisageTasks

@testable import VisageSQLite

/// `ClassifierStore` on every backend: versions numbered per collection and never reused, one
/// transaction per run that prunes by the caller's rule, weights read back bit for bit, and
/// `ClassifierLibrary`'s ten best with the serving one first; SQLite's CHECKs (PostgreSQL's are in
/// `PostgresSchemaTests`), and PostgreSQL's numbering when two processes train one collection at once.
@Suite struct ClassifierStoreTests {
    static func version(_ collection: Int64, precision: Double, weights: [Float] = [0.5, -1.25, 3]) -> StoredClassifierVersion {
        StoredClassifierVersion(
            collectionID: collection, version: 0, embeddingTypes: ["clip", "face"], dimensions: [1, 2], weights: weights, bias: -0.75,
            threshold: 0.5, regularization: 0.01, heldOutFraction: 0.2, seed: UInt64.max,
            counts: ClassifierCounts(
                trainingPositives: 8, trainingNegatives: 16, truePositives: 2, falsePositives: 0, trueNegatives: 4, falseNegatives: 0),
            macroPrecision: precision, createdAt: Date())
    }

    @Test(arguments: StoreBackend.all) func versionsAreNumberedPrunedAndReadBack(_ backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.classifiers()
        let keepTwo: @Sendable ([ClassifierStanding]) -> [Int] = { standings in
            ClassifierVersioning.discarded(standings.map { .init(version: $0.version, macroPrecision: $0.macroPrecision) }, keep: 2)
        }
        let first = try store.addClassifierVersion(Self.version(7, precision: 0.9), discard: keepTwo)
        #expect(first.stored.version == 1 && first.discarded.isEmpty)
        _ = try store.addClassifierVersion(Self.version(7, precision: 0.8), discard: keepTwo)
        let third = try store.addClassifierVersion(Self.version(7, precision: 0.95), discard: keepTwo)
        #expect(third.stored.version == 3 && third.discarded == [2])
        // The worst is the newest: pruned at once, and its number is not given again.
        let fourth = try store.addClassifierVersion(Self.version(7, precision: 0.1), discard: keepTwo)
        #expect(fourth.discarded == [4])
        let fifth = try store.addClassifierVersion(Self.version(7, precision: 0.99), discard: keepTwo)
        #expect(fifth.stored.version == 5 && fifth.discarded == [1])
        _ = try store.addClassifierVersion(Self.version(8, precision: 0.5), discard: keepTwo)

        let kept = try store.classifierVersions(collectionID: 7)
        #expect(kept.map(\.version) == [3, 5])
        let read = try #require(kept.last)
        var expected = Self.version(7, precision: 0.99)
        (expected.version, expected.createdAt) = (5, read.createdAt)
        #expect(read == expected, "weights, seed (UInt64.max), counts and settings come back as stored")
        #expect(try store.classifierVersions(collectionID: nil).map(\.collectionID) == [7, 7, 8])
        #expect(try store.classifierCollectionCount() == 2)

        #expect(try store.deleteClassifier(collectionID: 7) == 2)
        #expect(try store.classifierVersions(collectionID: 7).isEmpty)
        #expect(try store.deleteClassifier(collectionID: 7) == 0)
        #expect(try store.classifierCollectionCount() == 1)
        #expect(try database.classifiers().classifierVersions(collectionID: nil).map(\.version) == [1], "kept across a reopen")
    }

    /// A failing rule rolls the whole run back: no version, no counter step.
    @Test(arguments: StoreBackend.all) func aRunIsOneTransaction(_ backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.classifiers()
        _ = try store.addClassifierVersion(Self.version(1, precision: 0.5)) { _ in [] }
        // Deleting a version that does not exist is harmless; an invalid row is not.
        #expect(throws: (any Error).self) {
            _ = try store.addClassifierVersion(Self.version(1, precision: 2)) { _ in [] }
        }
        #expect(try store.classifierVersions(collectionID: 1).map(\.version) == [1])
        #expect(try store.addClassifierVersion(Self.version(1, precision: 0.6)) { _ in [] }.stored.version == 2)
    }

    /// The CHECKs refuse what the store never writes.
    @Test func classifierRowsKeepTheirInvariants() throws {
        let store = try SQLiteFaceStore.inMemory()
        _ = try store.addClassifierVersion(Self.version(3, precision: 0.5)) { _ in [] }
        let columns =
            "collection_id, version, embedding_types, dimensions, weights, bias, threshold, regularization, held_out_fraction, seed, "
            + "training_positives, training_negatives, true_positives, false_positives, true_negatives, false_negatives, macro_precision, created_at"
        func insert(_ values: String) -> String { "INSERT INTO classifier_version (\(columns)) VALUES (\(values))" }
        let now = "'2026-01-01 00:00:00'"
        for bad in [
            insert("3, 9, '[\"face\"]', '[1]', x'0000803F', 0, 1.5, 0.01, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // threshold
            insert("3, 9, '[\"face\"]', '[1, 2]', x'0000803F', 0, 0.5, 0.01, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // dimensions
            insert("3, 9, 'face', '[1]', x'0000803F', 0, 0.5, 0.01, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // not JSON
            insert("3, 9, '[\"face\"]', '[1]', x'0000', 0, 0.5, 0.01, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // half a float
            insert("3, 9, '[\"face\"]', '[1]', x'0000803F', 0, 0.5, 0.01, 0.2, 0, 2, 2, 0, 0, 1, 0, 1, \(now)"),  // no held-out positive
            insert("3, 9, '[\"face\"]', '[1]', x'0000803F', 0, 0.5, 0, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // regularization
            insert("4, 1, '[\"face\"]', '[1]', x'0000803F', 0, 0.5, 0.01, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // no counter row
            insert("3, 1, '[\"face\"]', '[1]', x'0000803F', 0, 0.5, 0.01, 0.2, 0, 2, 2, 1, 0, 1, 0, 1, \(now)"),  // version taken
        ] {
            #expect(throws: DatabaseError.self, "\(bad)") { try store.writer.write { try $0.execute(sql: bad) } }
        }
        #expect(try store.classifierVersions(collectionID: 3).count == 1)
    }

    /// The library over the store: twelve runs keep ten, the best serves, the worst are gone.
    @Test(arguments: StoreBackend.all) func theLibraryKeepsTheTenBestAndServesTheBest(_ backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let library = ClassifierLibrary(store: try database.classifiers())
        #expect(try library.isEmpty())
        #expect(throws: VisageError.self) { try library.serving(5) }
        var random = SeededRandom(seed: 9)
        var servingAfter: [Int] = []
        // Noisier data each run but the seventh: the seventh is the best.
        for run in 1...12 {
            let spread: Float = run == 7 ? 0.05 : 0.2 + Float(run) * 0.1
            let positives = ClassifierTrainerTests.cloud([1, 0, 0], count: 10, spread: spread, random: &random)
            let negatives = ClassifierTrainerTests.cloud([0, 1, 0], count: 10, spread: spread, random: &random)
            let trained = try library.train(
                collectionID: 5, types: [.face], positives: positives, negatives: negatives, settings: TrainingSettings(seed: UInt64(run)))
            #expect(trained.version.version == run)
            servingAfter.append(trained.servingVersion)
        }
        let collection = try library.collection(5)
        #expect(collection.versions.count == 10)
        let precisions = collection.versions.map(\.metrics.macroPrecision)
        #expect(precisions == precisions.sorted(by: >), "best first")
        #expect(collection.versions[0].serving && collection.versions.dropFirst().allSatisfy { !$0.serving })
        #expect(
            collection.servingVersion
                == ClassifierVersioning.serving(
                    collection.versions.map { .init(version: $0.version, macroPrecision: $0.metrics.macroPrecision) }))
        #expect(try library.serving(5) == collection.versions[0].classifier)
        #expect(servingAfter.last == collection.servingVersion)
        #expect(try library.delete(5) == 10)
        let gone = try #require(throws: VisageError.self) { try library.collection(5) }
        #expect(gone.errorCode == .classifierNotFound)
    }

    /// Two processes (stores with connections of their own) training one collection at once:
    /// every run gets its own number, the numbers run 1...n without a gap, and pruning by
    /// either keeps the collection's rule.
    @Test func racingRunsOnPostgreSQLNeverShareAVersion() throws {
        let database = try StoreBackend.postgres.makeDatabase()
        defer { database.remove() }
        let stores = try (0..<2).map { _ in try database.classifiers() }
        let numbers = Numbers()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let precision = Double(index % 8) / 8
            let keepFive: @Sendable ([ClassifierStanding]) -> [Int] = {
                ClassifierVersioning.discarded($0.map { .init(version: $0.version, macroPrecision: $0.macroPrecision) }, keep: 5)
            }
            do {
                numbers.append(try stores[index % 2].addClassifierVersion(Self.version(11, precision: precision), discard: keepFive).stored.version)
            } catch {
                numbers.append(-1)
            }
        }
        #expect(numbers.sorted == Array(1...16))
        #expect(try stores[0].classifierVersions(collectionID: 11).count == 5)
        #expect(try stores[1].addClassifierVersion(Self.version(11, precision: 0.5)) { _ in [] }.stored.version == 17)
    }
}

/// The version numbers the racing runs got, collected across threads.
private final class Numbers: @unchecked Sendable {
    // @unchecked: `values` is only touched under `lock`.
    private let lock = NSLock()
    private var values: [Int] = []

    func append(_ value: Int) { lock.withLock { values.append(value) } }
    var sorted: [Int] { lock.withLock { values.sorted() } }
}
