import Foundation
import Testing
import VisageANN
import VisageCore
import VisageRecognition
import VisageSQLite
import VisageSearch
import VisageStorage

/// The HNSW index (VisageANN) against the `VectorIndex` contract, its recall against the exact
/// scan, and the saved graphs: read back only while the database is unchanged.
@Suite struct HNSWVectorIndexTests {
    /// A graph from the first vector, small batches and compaction soon: every path runs on a few
    /// hundred vectors.
    static let graphAlways = HNSWParameters(m: 12, efConstruction: 64, efSearch: 64, exactBelow: 0, batchSize: 16)

    static func filled(
        count: Int, dimensions: Int, seed: UInt64, parameters: HNSWParameters = graphAlways
    ) throws -> (
        HNSWVectorIndex, [Int64: [Float]]
    ) {
        var random = SeededRandom(seed: seed)
        let index = HNSWVectorIndex(dimensions: dimensions, capacity: count, parameters: parameters)
        var vectors: [Int64: [Float]] = [:]
        for id in 0..<Int64(count) {
            let vector = random.unitVector(dimensions)
            vectors[id * 7 + 3] = vector  // ids that are not slot numbers
            try index.upsert(id: id * 7 + 3, vector: vector)
        }
        return (index, vectors)
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-ann-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: The VectorIndex contract

    @Test func smallIndexFindsExactlyWhatTheScanFinds() throws {
        let (index, vectors) = try Self.filled(count: 400, dimensions: 24, seed: 1)
        #expect(index.count == 400)
        #expect(index.hasGraph)
        var random = SeededRandom(seed: 2)
        for _ in 0..<5 {
            let query = random.unitVector(24)
            let found = try index.search(query, k: 10)
            let expected = Array(VectorIndexTests.bruteForce(vectors, query).prefix(10))
            VectorIndexTests.expectSameRanking(found, expected)
            #expect(found.map(\.id) == expected.map(\.id))
        }
        for id: Int64 in [3, 3 + 7 * 200, 3 + 7 * 399] {
            let best = try #require(index.search(vectors[id]!, k: 1).first)
            #expect(best.id == id && abs(best.similarity - 1) < 1e-5)
        }
    }

    @Test func upsertReplacesAndRemoveForgets() throws {
        let (index, vectors) = try Self.filled(count: 300, dimensions: 16, seed: 3)
        var random = SeededRandom(seed: 4)
        var expected = vectors

        let replacement = random.unitVector(16)
        try index.upsert(id: 10, vector: replacement)
        expected[10] = replacement
        #expect(index.count == 300)
        #expect(try index.search(replacement, k: 1).first?.id == 10)
        // The old vector no longer finds id 10 first.
        #expect(try index.search(vectors[10]!, k: 1).first?.id != 10)

        for id: Int64 in [3, 10, 3 + 7 * 50] {
            index.remove(id: id)
            expected[id] = nil
        }
        index.remove(id: 999_999)  // not stored: nothing happens
        #expect(index.count == 297)
        #expect(!index.contains(id: 10))
        for id: Int64 in [3, 10, 3 + 7 * 50] {
            #expect(try !index.search(vectors[id]!, k: 20).map(\.id).contains(id))
        }
        let query = random.unitVector(16)
        #expect(try index.search(query, k: 10).map(\.id) == VectorIndexTests.bruteForce(expected, query).prefix(10).map(\.id))

        // A removed id comes back with a new vector.
        try index.upsert(id: 10, vector: replacement)
        #expect(try index.count == 298 && index.search(replacement, k: 1).first?.id == 10)
    }

    @Test func excludedIdsAreLeftOut() throws {
        let (index, vectors) = try Self.filled(count: 500, dimensions: 16, seed: 5)
        let query = vectors[3]!
        let excluded = Set(try index.search(query, k: 5).map(\.id).prefix(3))
        let found = index.search(query, k: 5, excluding: excluded)
        #expect(found.count == 5)
        #expect(excluded.isDisjoint(with: found.map(\.id)))
        #expect(found.map(\.id) == VectorIndexTests.bruteForce(vectors, query, excluding: excluded).prefix(5).map(\.id))
    }

    @Test func thresholdSearchReturnsEveryVectorAboveIt() throws {
        // Clusters of near-identical vectors: a threshold search must return a whole cluster,
        // more than efSearch candidates, which takes the widening rounds.
        var random = SeededRandom(seed: 6)
        let parameters = HNSWParameters(m: 12, efConstruction: 64, efSearch: 16, exactBelow: 0, batchSize: 16)
        let index = HNSWVectorIndex(dimensions: 32, parameters: parameters)
        var vectors: [Int64: [Float]] = [:]
        let centres = (0..<5).map { _ in random.unitVector(32) }
        for id in 0..<Int64(400) {
            let centre = centres[Int(id) % 5]
            var vector = zip(centre, random.unitVector(32)).map { $0 + 0.1 * $1 }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / norm }
            vectors[id] = vector
            try index.upsert(id: id, vector: vector)
        }
        let query = centres[2]
        let expected = VectorIndexTests.bruteForce(vectors, query).filter { $0.similarity >= 0.9 }
        #expect(expected.count == 80)
        // Near-equal similarities may swap (SIMD and scalar sums round differently): compared as
        // rankings with a tolerance, and as sets.
        let found = try index.search(query, minSimilarity: 0.9, limit: 1_000)
        VectorIndexTests.expectSameRanking(found, expected)
        #expect(Set(found.map(\.id)) == Set(expected.map(\.id)))
        #expect(found.allSatisfy { $0.similarity >= 0.9 })
        VectorIndexTests.expectSameRanking(try index.search(query, minSimilarity: 0.9, limit: 7), Array(expected.prefix(7)))
        let excluded = Set(found.prefix(4).map(\.id))
        let rest = index.search(query, minSimilarity: 0.9, limit: 1_000, excluding: excluded)
        #expect(rest.map(\.id) == Array(found.dropFirst(4).map(\.id)))
        #expect(try index.search(query, minSimilarity: 1.01, limit: 10).isEmpty)
    }

    @Test func equalSimilaritiesComeInIdOrder() throws {
        let index = HNSWVectorIndex(dimensions: 8, parameters: Self.graphAlways)
        var random = SeededRandom(seed: 7)
        for id in 0..<Int64(100) { try index.upsert(id: id, vector: random.unitVector(8)) }
        let twin = random.unitVector(8)
        for id: Int64 in [500, 200, 300] { try index.upsert(id: id, vector: twin) }
        let found = try index.search(twin, k: 3)
        #expect(found.map(\.id) == [200, 300, 500])
        let all = try index.search(random.unitVector(8), k: 50)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.id < $1.id) })
    }

    @Test func wrongDimensionsThrowOrMatchNothing() throws {
        let (index, _) = try Self.filled(count: 50, dimensions: 8, seed: 8)
        let error = #expect(throws: VisageError.self) { try index.upsert(id: 1, vector: [1, 0, 0]) }
        #expect(error?.code == "embedding_dimension_mismatch")
        #expect(try index.search([1, 0, 0], k: 5).isEmpty)
        #expect(try index.search([1, 0, 0], minSimilarity: -1, limit: 5).isEmpty)
        #expect(index.count == 50)
    }

    // MARK: Exact scan, graph and tombstones

    @Test func staysAnExactScanUntilItsThreshold() throws {
        let parameters = HNSWParameters(m: 12, efConstruction: 64, efSearch: 64, exactBelow: 100, batchSize: 16)
        let index = HNSWVectorIndex(dimensions: 8, parameters: parameters)
        var random = SeededRandom(seed: 9)
        for id in 0..<Int64(99) { try index.upsert(id: id, vector: random.unitVector(8)) }
        #expect(!index.hasGraph)
        try index.upsert(id: 99, vector: random.unitVector(8))
        #expect(index.hasGraph && index.count == 100)
    }

    @Test func tombstonesAreCompactedAway() throws {
        let (index, vectors) = try Self.filled(count: 300, dimensions: 16, seed: 10)
        // Removing more than a fifth of the graph rebuilds it without them.
        var expected = vectors
        for id in vectors.keys.sorted().prefix(70) {
            index.remove(id: id)
            expected[id] = nil
        }
        #expect(index.count == 230)
        #expect(index.tombstoneCount < 70)
        #expect(Double(index.tombstoneCount) <= 0.2 * 300)
        var random = SeededRandom(seed: 11)
        let query = random.unitVector(16)
        #expect(try index.search(query, k: 10).map(\.id) == VectorIndexTests.bruteForce(expected, query).prefix(10).map(\.id))
    }

    @Test func compactingBelowTheThresholdGoesBackToAScan() throws {
        let parameters = HNSWParameters(m: 12, efConstruction: 64, efSearch: 64, exactBelow: 100, batchSize: 16)
        let (index, vectors) = try Self.filled(count: 120, dimensions: 8, seed: 12, parameters: parameters)
        #expect(index.hasGraph)
        for id in vectors.keys.sorted().prefix(60) { index.remove(id: id) }
        #expect(!index.hasGraph && index.count == 60 && index.tombstoneCount == 0)
    }

    // MARK: Recall

    /// 4,000 random 64-d vectors (structureless, the hard case) with the default search settings:
    /// recall@10 against the exact scan stays above 0.95.
    @Test func recallAgainstTheExactScan() throws {
        let parameters = HNSWParameters(efConstruction: 100, exactBelow: 0)
        let (index, vectors) = try Self.filled(count: 4_000, dimensions: 64, seed: 13, parameters: parameters)
        var random = SeededRandom(seed: 14)
        var hits = 0
        let queries = 50
        for _ in 0..<queries {
            let query = random.unitVector(64)
            let truth = Set(VectorIndexTests.bruteForce(vectors, query).prefix(10).map(\.id))
            hits += truth.intersection(try index.search(query, k: 10).map(\.id)).count
        }
        let recall = Double(hits) / Double(queries * 10)
        #expect(recall >= 0.95, "recall@10 \(recall)")
    }

    // MARK: Saved graphs

    @Test func savedGraphReadsBackOnlyForItsVersion() throws {
        let folder = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let factory = HNSWVectorIndexFactory(parameters: Self.graphAlways, directory: folder)
        let (index, vectors) = try Self.filled(count: 200, dimensions: 16, seed: 15)
        index.remove(id: 3)
        let version = VectorSourceVersion(database: "db", generation: 42, count: 199)
        try factory.save(index, name: "faces-test/model", version: version)

        let loaded = try #require(factory.savedIndex(name: "faces-test/model", dimensions: 16, version: version))
        #expect(loaded.count == 199)
        var random = SeededRandom(seed: 16)
        for _ in 0..<3 {
            let query = random.unitVector(16)
            #expect(try loaded.search(query, k: 10).map(\.id) == index.search(query, k: 10).map(\.id))
        }
        #expect(try loaded.search(vectors[3]!, k: 1).first?.id != 3)
        // Stale, of another size or shape, or under another name: nothing.
        #expect(factory.savedIndex(name: "faces-test/model", dimensions: 16, version: .init(database: "db", generation: 43, count: 199)) == nil)
        #expect(factory.savedIndex(name: "faces-test/model", dimensions: 16, version: .init(database: "db", generation: 42, count: 200)) == nil)
        #expect(factory.savedIndex(name: "faces-test/model", dimensions: 16, version: .init(database: "new", generation: 42, count: 199)) == nil)
        #expect(factory.savedIndex(name: "faces-test/model", dimensions: 8, version: version) == nil)
        #expect(factory.savedIndex(name: "faces-test_model", dimensions: 16, version: version) == nil)
        // A damaged graph file is refused, not loaded.
        let graph = try #require(
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first { $0.pathExtension == "hnsw" })
        let bytes = try Data(contentsOf: graph)
        try bytes.prefix(bytes.count / 2).write(to: graph)
        #expect(factory.savedIndex(name: "faces-test/model", dimensions: 16, version: version) == nil)
    }

    @Test func configurationPicksTheIndex() throws {
        #expect(try VectorIndexConfiguration.factory(directory: nil, environment: .init(["VISAGE_VECTOR_INDEX": "exact"])) is ExactVectorIndexFactory)
        let hnsw = try #require(
            try VectorIndexConfiguration.factory(
                directory: nil, environment: .init(["VISAGE_VECTOR_INDEX": "hnsw", "VISAGE_HNSW_EF_SEARCH": "200"]))
                as? HNSWVectorIndexFactory)
        #expect(hnsw.parameters.exactBelow == 0 && hnsw.parameters.efSearch == 200)
        let auto = try #require(try VectorIndexConfiguration.factory(directory: nil, environment: .init([:])) as? HNSWVectorIndexFactory)
        #expect(auto.parameters.exactBelow == HNSWParameters().exactBelow)
        let error = #expect(throws: VisageError.self) {
            try VectorIndexConfiguration.factory(directory: nil, environment: .init(["VISAGE_VECTOR_INDEX": "faiss"]))
        }
        #expect(error?.code == "invalid_configuration")
    }

    // MARK: Through the stores

    /// A factory that says whether an index came back from disk.
    final class CountingFactory: VectorIndexFactory, @unchecked Sendable {
        let inner: HNSWVectorIndexFactory
        private let lock = NSLock()
        private var loads = 0

        init(directory: URL) {
            inner = HNSWVectorIndexFactory(parameters: HNSWVectorIndexTests.graphAlways, directory: directory)
        }

        var loaded: Int { lock.withLock { loads } }

        func makeIndex(dimensions: Int, capacity: Int) -> any VectorIndex {
            inner.makeIndex(dimensions: dimensions, capacity: capacity)
        }

        func savedIndex(name: String, dimensions: Int, version: VectorSourceVersion) -> (any VectorIndex)? {
            let index = inner.savedIndex(name: name, dimensions: dimensions, version: version)
            if index != nil { lock.withLock { loads += 1 } }
            return index
        }

        func save(_ index: any VectorIndex, name: String, version: VectorSourceVersion) throws {
            try inner.save(index, name: name, version: version)
        }
    }

    @Test func peopleIndexIsReadBackUntilTheStoreChanges() throws {
        let folder = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("visage.sqlite").path
        var random = SeededRandom(seed: 17)
        let saved = try FaceStoreTests.save(
            try SQLiteFaceStore(path: path), "img",
            (0..<30).map { FaceStoreTests.face(x: Double($0) * 200, embedding: random.unitVector(8)) })

        let factory = CountingFactory(directory: folder.appendingPathComponent("vector-indexes"))
        let first = try FaceLibrary(
            store: try SQLiteFaceStore(path: path), embeddingModel: FaceStoreTests.model, dimensions: 8, indexFactory: factory)
        #expect(first.index is HNSWVectorIndex && first.index.count == 30 && factory.loaded == 0)

        // Unchanged: the graph saved at the build is read back.
        let second = try FaceLibrary(
            store: try SQLiteFaceStore(path: path), embeddingModel: FaceStoreTests.model, dimensions: 8, indexFactory: factory)
        #expect(factory.loaded == 1 && second.index.count == 30)
        for face in saved.faces { #expect(try second.index.search(face.embedding, k: 1).first?.id == face.id) }

        // Changed behind its back (another image, a deleted face): stale, so rebuilt from the store.
        let other = try FaceStoreTests.save(try SQLiteFaceStore(path: path), "other", [FaceStoreTests.face(x: 0, embedding: random.unitVector(8))])
        try second.write { transaction, changes in
            try transaction.deleteFace(id: saved.faces[0].id)
            changes.remove(id: saved.faces[0].id)
        }
        let third = try FaceLibrary(
            store: try SQLiteFaceStore(path: path), embeddingModel: FaceStoreTests.model, dimensions: 8, indexFactory: factory)
        #expect(factory.loaded == 1 && third.index.count == 30)
        #expect(try third.index.search(other.faces[0].embedding, k: 1).first?.id == other.faces[0].id)
        #expect(try third.index.search(saved.faces[0].embedding, k: 1).first?.id != saved.faces[0].id)

        // Saved at shutdown, read back at the next start.
        try third.saveIndex()
        let fourth = try FaceLibrary(
            store: try SQLiteFaceStore(path: path), embeddingModel: FaceStoreTests.model, dimensions: 8, indexFactory: factory)
        #expect(factory.loaded == 2 && fourth.index.count == 30)
    }

    @Test func collectionIndexesAreReadBackUntilTheFileChanges() throws {
        let folder = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("visage.sqlite").path
        let factory = CountingFactory(directory: folder.appendingPathComponent("vector-indexes"))
        var random = SeededRandom(seed: 18)
        func image(_ id: String, _ collection: String) -> NewCollectionImage {
            NewCollectionImage(
                collection: collection, imageID: id, file: "\(id).jpg", width: 100, height: 100, embeddingModel: "m8",
                faces: (0..<3).map { _ in
                    NewCollectionFace(box: BoundingBox(x: 0, y: 0, width: 10, height: 10), confidence: 0.9, embedding: random.unitVector(8))
                })
        }
        let collections = try SQLiteFaceCollections(store: try SQLiteFaceStore(path: path), indexFactory: factory)
        let added = try collections.add((0..<10).map { image("a\($0)", $0 < 5 ? "one" : "two") })
        try collections.saveIndexes()

        let reopened = try SQLiteFaceCollections(store: try SQLiteFaceStore(path: path), indexFactory: factory)
        #expect(factory.loaded == 2)
        #expect(reopened.faceCount(collection: "one", model: "m8") == 15 && reopened.faceCount(collection: "two", model: "m8") == 15)
        let probe = added[7].faces[1]
        let match = try reopened.search(collection: "two", model: "m8", queries: [probe.embedding], minSimilarity: 0.99, limit: 5)
        #expect(match[0].map(\.faceID) == [probe.id])

        // Deleting an image (its faces go by cascade) makes the saved graphs stale.
        #expect(try reopened.deleteImage(collection: "two", imageID: "a7") == 3)
        let rebuilt = try SQLiteFaceCollections(store: try SQLiteFaceStore(path: path), indexFactory: factory)
        #expect(factory.loaded == 2)
        #expect(rebuilt.faceCount(collection: "two", model: "m8") == 12)
        #expect(try rebuilt.search(collection: "two", model: "m8", queries: [probe.embedding], minSimilarity: 0.99, limit: 5)[0].isEmpty)
    }

    @Test func imageEmbeddingIndexesAreReadBackUntilTheFileChanges() throws {
        let folder = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("visage.sqlite").path
        let factory = CountingFactory(directory: folder.appendingPathComponent("vector-indexes"))
        var random = SeededRandom(seed: 19)
        let vectors = (0..<40).map { _ in random.unitVector(8) }
        let images = try SQLiteImageEmbeddings(store: try SQLiteFaceStore(path: path), indexFactory: factory)
        for (index, vector) in vectors.enumerated() {
            try images.store(ImageEmbedding(imageID: "i\(index)", imagePath: nil, model: index < 30 ? "clip-a" : "clip-b", vector: vector))
        }
        try images.saveIndexes()

        let reopened = try SQLiteImageEmbeddings(store: try SQLiteFaceStore(path: path), indexFactory: factory)
        #expect(factory.loaded == 2)
        #expect(reopened.embeddingCount(model: "clip-a") == 30 && reopened.embeddingCount(model: "clip-b") == 10)
        #expect(try reopened.search(model: "clip-a", query: vectors[7], minScore: 0.99, limit: 3, excluding: nil).map(\.imageID) == ["i7"])

        // Replacing one embedding makes the saved graphs stale: rebuilt, with the new vector.
        try reopened.store(ImageEmbedding(imageID: "i7", imagePath: nil, model: "clip-a", vector: vectors[35]))
        let rebuilt = try SQLiteImageEmbeddings(store: try SQLiteFaceStore(path: path), indexFactory: factory)
        #expect(factory.loaded == 2 && rebuilt.embeddingCount(model: "clip-a") == 30)
        #expect(try rebuilt.search(model: "clip-a", query: vectors[7], minScore: 0.99, limit: 3, excluding: nil).isEmpty)
        #expect(try rebuilt.search(model: "clip-a", query: vectors[35], minScore: 0.99, limit: 3, excluding: nil).map(\.imageID) == ["i7"])
    }

    /// The people path end to end: the same photos recognised with the HNSW index from the first
    /// face and with the exact scan make the same people.
    @Test func recognitionMakesTheSamePeopleAsTheExactScan() throws {
        let photos = FacesIdentity.identityOf.keys.sorted().prefix(12)
        func people(_ factory: any VectorIndexFactory) throws -> ([[String]], any VectorSearching) {
            let service = try RecognitionService(
                analyzer: TestServices.analyzer, store: try SQLiteFaceStore.inMemory(), configuration: RecognitionConfiguration(),
                indexFactory: factory)
            var clusterOf: [String: String] = [:]
            for photo in photos {
                let result = try service.recognize(RecognizeRequest(imageID: photo, imagePath: photo, orientation: 1))
                for face in result.faces { clusterOf["\(photo)#\(face.face.detection.box.x)"] = face.cluster.clusterID }
            }
            let groups = Dictionary(grouping: clusterOf.keys, by: { clusterOf[$0]! }).values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
            return (groups, service.library.index)
        }
        let (exact, _) = try people(ExactVectorIndexFactory())
        let (approximate, index) = try people(HNSWVectorIndexFactory(parameters: Self.graphAlways))
        #expect((index as? HNSWVectorIndex)?.hasGraph == true)
        #expect(!exact.isEmpty)
        #expect(approximate == exact)
    }
}
