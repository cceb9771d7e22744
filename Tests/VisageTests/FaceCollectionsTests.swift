import Foundation
import Testing
import VisageCore
import VisageStorage

/// The face database's storage layer: the vector indexes follow every committed write, batches
/// are one transaction, and a refused batch leaves nothing behind.
/// Runs against every backend in `StoreBackend.all`.
@Suite struct FaceCollectionsTests {
    static func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    static func image(_ id: String, collection: String = "c", _ embeddings: [[Float]]) -> NewCollectionImage {
        NewCollectionImage(
            collection: collection, imageID: id, file: "\(id).jpg", width: 100, height: 100, embeddingModel: "m",
            faces: embeddings.map { NewCollectionFace(box: BoundingBox(x: 1, y: 2, width: 3, height: 4), confidence: 0.9, embedding: $0) })
    }

    @Test(arguments: StoreBackend.all) func batchesReplaceInOrderAndTheIndexFollows(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let collections = try database.collections()
        let east = Self.unit([1, 0, 0]), north = Self.unit([0, 1, 0]), up = Self.unit([0, 0, 1])
        // "a" twice in one batch: the second replaces the first, as two requests would.
        let added = try collections.add([Self.image("a", [east]), Self.image("b", [north, up]), Self.image("a", [up])])
        #expect(added.map(\.replaced) == [false, false, true])
        #expect(collections.faceCount(collection: "c", model: "m") == 3)
        let eastMatches = try collections.search(collection: "c", model: "m", queries: [east], minSimilarity: 0.5, limit: 10)
        #expect(eastMatches == [[]], "a's first face was replaced")
        let upMatches = try collections.search(collection: "c", model: "m", queries: [up], minSimilarity: 0.5, limit: 10)[0]
        #expect(Set(upMatches.map(\.imageID)) == ["a", "b"])
        #expect(upMatches.allSatisfy { abs($0.similarity - 1) < 1e-5 && $0.distance < 1e-2 })
        // Another model's faces are never compared with these.
        #expect(try collections.search(collection: "c", model: "other", queries: [up], minSimilarity: -1, limit: 10) == [[]])

        let stored = try #require(try collections.image(collection: "c", imageID: "b"))
        #expect(stored.image.file == "b.jpg" && stored.image.width == 100 && stored.faces.map(\.embedding) == [north, up])
        #expect(stored.faces.allSatisfy { $0.imageRowID == stored.image.id && $0.embeddingModel == "m" && $0.confidence == 0.9 })
        #expect(try collections.image(collection: "c", imageID: "nope") == nil)
        #expect(try collections.deleteImage(collection: "c", imageID: "b") == 2)
        #expect(try collections.deleteImage(collection: "c", imageID: "b") == nil)
        #expect(collections.faceCount(collection: "c", model: "m") == 1)
        #expect(try collections.collections() == [CollectionSummary(name: "c", images: 1, faces: 1)])
    }

    @Test(arguments: StoreBackend.all) func aRefusedBatchStoresNothing(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let collections = try database.collections()
        _ = try collections.add(Self.image("a", [Self.unit([1, 0, 0])]))
        let error = #expect(throws: VisageError.self) {
            try collections.add([Self.image("b", [Self.unit([0, 1, 0])]), Self.image("c", [Self.unit([1, 1, 0, 0])])])
        }
        #expect(error?.code == "embedding_dimension_mismatch")
        #expect(try collections.collections() == [CollectionSummary(name: "c", images: 1, faces: 1)])
        #expect(collections.faceCount(collection: "c", model: "m") == 1)
        #expect(throws: VisageError.self) { try collections.add(Self.image("d", collection: "no spaces", [])) }
    }

    @Test(arguments: StoreBackend.all) func indexesAreRebuiltOnReopening(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        do {
            let collections = try database.collections()
            _ = try collections.add([Self.image("a", [Self.unit([1, 0, 0])]), Self.image("b", collection: "d", [Self.unit([0, 1, 0])])])
            #expect(try collections.deleteCollection("d") == 1)
        }
        let reopened = try database.collections()
        #expect(reopened.faceCount(collection: "c", model: "m") == 1 && reopened.faceCount(collection: "d", model: "m") == 0)
        let match = try reopened.search(collection: "c", model: "m", queries: [Self.unit([1, 0.1, 0])], minSimilarity: 0.9, limit: 5)[0]
        #expect(match.map(\.imageID) == ["a"] && match.first?.file == "a.jpg")
    }

    /// A search of a small collection beside a large one whose faces are all nearer the query:
    /// the filter must not cost results (pgvector's iterative scans), the threshold and the limit
    /// hold, and the order is best first, exactly as the exact scan computes it.
    @Test(arguments: StoreBackend.all) func aFilteredSearchFindsEveryMatchOfItsCollection(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let collections = try database.collections()
        var random = SeededRandom(seed: 15)
        let query = random.unitVector(64)
        func near(_ spread: Float) -> [Float] { Self.unit(zip(query, random.unitVector(64)).map { $0 + spread * $1 }) }
        _ = try collections.add((0..<400).map { Self.image("big-\($0)", collection: "big", [near(0.2)]) })
        let small = (0..<12).map { index in (id: "small-\(index)", vector: near(Float(index) * 0.15 + 0.3)) }
        _ = try collections.add(small.map { Self.image($0.id, collection: "small", [$0.vector]) })

        let expected = small.map { (id: $0.id, similarity: dot($0.vector, query)) }.sorted { $0.similarity > $1.similarity }
        let top = try collections.search(collection: "small", model: "m", queries: [query], minSimilarity: -1, limit: 8)[0]
        #expect(top.map(\.imageID) == expected.prefix(8).map(\.id))
        #expect(zip(top, expected).allSatisfy { abs($0.similarity - $1.similarity) < 1e-4 })
        let threshold = expected[5].similarity - 1e-3
        let within = try collections.search(collection: "small", model: "m", queries: [query], minSimilarity: threshold, limit: 50)[0]
        #expect(within.map(\.imageID) == expected.prefix(6).map(\.id))
        #expect(collections.faceCount(collection: "small", model: "m") == 12)
        // A query of another size finds nothing rather than failing.
        #expect(try collections.search(collection: "small", model: "m", queries: [[1, 0, 0]], minSimilarity: -1, limit: 5) == [[]])
    }
}
