import Foundation
import Testing
import VisageCore
import VisageStorage

/// The `ImageEmbeddingStore` contract (seed 000's image search), on every backend: one embedding
/// per image and model, replaced in place, searched best first with the threshold, the limit and
/// the example left out, models never mixed, and everything still there after reopening.
@Suite struct ImageEmbeddingStoreTests {
    static func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    static func embedding(_ id: String, _ vector: [Float], model: String = "clip-a", path: String? = nil) -> ImageEmbedding {
        ImageEmbedding(imageID: id, imagePath: path, model: model, vector: unit(vector), encodedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test(arguments: StoreBackend.all) func storeReplaceSearchAndDelete(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let images = try database.images()
        #expect(try images.store(Self.embedding("east", [1, 0, 0], path: "/p/east.jpg")) == false)
        #expect(try images.store(Self.embedding("north-east", [1, 1, 0])) == false)
        #expect(try images.store(Self.embedding("north", [0, 1, 0])) == false)
        #expect(try images.store(Self.embedding("up", [0, 0, 1], model: "clip-b")) == false)
        #expect(images.embeddingCount(model: "clip-a") == 3 && images.embeddingCount(model: "clip-b") == 1)

        let found = try images.search(model: "clip-a", query: Self.unit([1, 0.1, 0]), minScore: -1, limit: 10, excluding: nil)
        #expect(found.map(\.imageID) == ["east", "north-east", "north"])
        #expect(found.first?.imagePath == "/p/east.jpg" && found.last?.imagePath == nil)
        #expect(found.map(\.score) == found.map(\.score).sorted(by: >) && abs(found[0].score - 0.995) < 0.01)
        #expect(try images.search(model: "clip-a", query: Self.unit([1, 0.1, 0]), minScore: 0.5, limit: 10, excluding: nil).count == 2)
        #expect(try images.search(model: "clip-a", query: Self.unit([1, 0.1, 0]), minScore: -1, limit: 1, excluding: nil).count == 1)
        let others = try images.search(model: "clip-a", query: Self.unit([1, 0, 0]), minScore: -1, limit: 10, excluding: "east")
        #expect(others.map(\.imageID) == ["north-east", "north"])
        // Another model's embeddings are never compared with these.
        #expect(try images.search(model: "clip-b", query: Self.unit([1, 0, 0]), minScore: -1, limit: 10, excluding: nil).map(\.imageID) == ["up"])
        #expect(try images.search(model: "none", query: Self.unit([1, 0, 0]), minScore: -1, limit: 10, excluding: nil).isEmpty)

        // Replacing keeps one row per image and model; the search sees the new vector.
        #expect(try images.store(Self.embedding("east", [0, 1, 0.1], path: "/p/east-2.jpg")) == true)
        #expect(images.embeddingCount(model: "clip-a") == 3)
        let stored = try #require(try images.embedding(imageID: "east", model: "clip-a"))
        #expect(stored.imagePath == "/p/east-2.jpg" && abs(stored.vector[1] - Self.unit([0, 1, 0.1])[1]) < 1e-6)
        #expect(stored.encodedAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try images.embedding(imageID: "east", model: "clip-b") == nil)

        #expect(try images.deleteEmbeddings(imageID: "east") == 1)
        #expect(try images.deleteEmbeddings(imageID: "east") == 0)
        #expect(
            try images.search(model: "clip-a", query: Self.unit([0, 1, 0]), minScore: -1, limit: 10, excluding: nil).map(\.imageID) == [
                "north", "north-east",
            ])
    }

    @Test(arguments: StoreBackend.all) func badEmbeddingsAreRefusedAndNothingIsStored(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let images = try database.images()
        try images.store(Self.embedding("a", [1, 0, 0]))
        let mismatch = #expect(throws: VisageError.self) { try images.store(Self.embedding("b", [1, 0, 0, 0])) }
        #expect(mismatch?.code == "embedding_dimension_mismatch")
        for bad in [
            ImageEmbedding(imageID: "", imagePath: nil, model: "clip-a", vector: [1]),
            ImageEmbedding(imageID: String(repeating: "x", count: 1025), imagePath: nil, model: "clip-a", vector: [1, 0, 0]),
            ImageEmbedding(imageID: "c", imagePath: nil, model: "", vector: [1, 0, 0]),
            ImageEmbedding(imageID: "c", imagePath: nil, model: "clip-a", vector: []),
            ImageEmbedding(imageID: "c", imagePath: nil, model: "clip-a", vector: [.nan, 0, 0]),
        ] {
            #expect(throws: VisageError.self, "\(bad.imageID.prefix(8)) \(bad.model) \(bad.vector)") { try images.store(bad) }
        }
        #expect(images.embeddingCount(model: "clip-a") == 1)
    }

    @Test(arguments: StoreBackend.all) func embeddingsSurviveReopening(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        do {
            let images = try database.images()
            try images.store(Self.embedding("a", [1, 0, 0]))
            try images.store(Self.embedding("b", [0, 1, 0]))
            try images.deleteEmbeddings(imageID: "b")
        }
        let reopened = try database.images()
        #expect(reopened.embeddingCount(model: "clip-a") == 1)
        #expect(try reopened.search(model: "clip-a", query: Self.unit([0, 1, 0]), minScore: -1, limit: 5, excluding: nil).map(\.imageID) == ["a"])
    }
}
