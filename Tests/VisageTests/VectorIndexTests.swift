import Foundation
import Testing
import VisageCore
import VisageSearch

@Suite struct VectorIndexTests {
    /// Best first, ties by ascending id: the order the index promises.
    static func bruteForce(_ vectors: [Int64: [Float]], _ query: [Float], excluding: Set<Int64> = []) -> [Neighbor] {
        vectors.filter { !excluding.contains($0.key) }
            .map { Neighbor(id: $0.key, similarity: dot($0.value, query)) }
            .sorted { ($0.similarity, $1.id) > ($1.similarity, $0.id) }
    }

    static func filled(count: Int, dimensions: Int, seed: UInt64) throws -> (ExactVectorIndex, [Int64: [Float]]) {
        var random = SeededRandom(seed: seed)
        let index = ExactVectorIndex(dimensions: dimensions, capacity: count)
        var vectors: [Int64: [Float]] = [:]
        for id in 0..<Int64(count) {
            let vector = random.unitVector(dimensions)
            vectors[id * 7 + 3] = vector  // ids that are not slot numbers
            try index.upsert(id: id * 7 + 3, vector: vector)
        }
        return (index, vectors)
    }

    /// The index's SIMD sums and the test's scalar sums round differently, so similarities are
    /// compared with a tolerance.
    static func expectSameRanking(_ found: [Neighbor], _ expected: [Neighbor], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(found.count == expected.count, sourceLocation: sourceLocation)
        for (got, want) in zip(found, expected) {
            #expect(abs(got.similarity - want.similarity) < 1e-5, "\(got) vs \(want)", sourceLocation: sourceLocation)
        }
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.similarity >= $1.similarity }, sourceLocation: sourceLocation)
    }

    @Test(arguments: [(count: 3_000, dimensions: 128), (count: 500, dimensions: 20), (count: 60_000, dimensions: 8)])
    func topKEqualsBruteForce(count: Int, dimensions: Int) throws {
        // 60_000 rows take the parallel path; 20 and 8 dimensions exercise the row padding.
        let (index, vectors) = try Self.filled(count: count, dimensions: dimensions, seed: UInt64(count))
        var random = SeededRandom(seed: 99)
        for _ in 0..<3 {
            let query = random.unitVector(dimensions)
            let found = try index.search(query, k: 10)
            let expected = Array(Self.bruteForce(vectors, query).prefix(10))
            Self.expectSameRanking(found, expected)
            #expect(found.map(\.id) == expected.map(\.id))
        }
    }

    @Test func storedVectorFindsItselfFirst() throws {
        let (index, vectors) = try Self.filled(count: 1_000, dimensions: 64, seed: 1)
        let ids: [Int64] = [3, 3 + 7 * 500, 3 + 7 * 999]
        for id in ids {
            let best = try #require(index.search(vectors[id]!, k: 1).first)
            #expect(best.id == id)
            #expect(abs(best.similarity - 1) < 1e-5)
        }
    }

    @Test func excludedIdsAreLeftOut() throws {
        let (index, vectors) = try Self.filled(count: 2_000, dimensions: 32, seed: 2)
        let query = vectors[3]!
        let top = try index.search(query, k: 5).map(\.id)
        let excluded = Set(top.prefix(3))
        let found = index.search(query, k: 5, excluding: excluded)
        #expect(found.map(\.id) == Self.bruteForce(vectors, query, excluding: excluded).prefix(5).map(\.id))
        #expect(excluded.isDisjoint(with: found.map(\.id)))
    }

    @Test func upsertReplacesAndRemoveForgets() throws {
        let (index, vectors) = try Self.filled(count: 300, dimensions: 48, seed: 3)
        var random = SeededRandom(seed: 4)
        var expected = vectors

        // Replace one vector: same count, new contents.
        let replacement = random.unitVector(48)
        try index.upsert(id: 10, vector: replacement)
        expected[10] = replacement
        #expect(index.count == 300)
        #expect(index.vector(id: 10) == replacement)

        // Remove from the start, middle and end: the last row moves into each hole.
        for id: Int64 in [3, 3 + 7 * 150, 3 + 7 * 299, 424_242] {
            index.remove(id: id)
            expected[id] = nil
        }
        #expect(index.count == 297)
        #expect(!index.contains(id: 3))
        for (id, vector) in expected {
            #expect(index.vector(id: id) == vector)
        }
        for _ in 0..<5 {
            let query = random.unitVector(48)
            #expect(try index.search(query, k: 8).map(\.id) == Self.bruteForce(expected, query).prefix(8).map(\.id))
        }

        // A removed id can come back.
        try index.upsert(id: 3, vector: vectors[3]!)
        #expect(try index.search(vectors[3]!, k: 1).first?.id == 3)
        #expect(index.count == 298)
    }

    @Test func thresholdSearchReturnsEverythingAboveIt() throws {
        let (index, vectors) = try Self.filled(count: 5_000, dimensions: 16, seed: 5)
        let query = vectors[3]!
        let threshold: Float = 0.6
        let expected = Self.bruteForce(vectors, query).filter { $0.similarity >= threshold }
        #expect(expected.count > 20, "the test needs a few matches")

        let all = try index.search(query, minSimilarity: threshold, limit: .max)
        #expect(Set(all.map(\.id)) == Set(expected.map(\.id)))
        #expect(all.allSatisfy { $0.similarity >= threshold })
        Self.expectSameRanking(all, expected)

        let limited = try index.search(query, minSimilarity: threshold, limit: 7)
        #expect(limited.map(\.id) == Array(all.prefix(7)).map(\.id))
        #expect(try index.search(query, minSimilarity: 1.01, limit: 10).isEmpty)
    }

    @Test func tiesAreOrderedById() throws {
        let index = ExactVectorIndex(dimensions: 2)
        for id: Int64 in [9, 4, 7] { try index.upsert(id: id, vector: [1, 0]) }
        try index.upsert(id: 1, vector: [0, 1])
        #expect(try index.search([1, 0], k: 3).map(\.id) == [4, 7, 9])
        #expect(try index.search([1, 0], k: 2).map(\.id) == [4, 7])
    }

    @Test func emptyIndexAndDegenerateQueries() throws {
        let index = ExactVectorIndex(dimensions: 8)
        #expect(try index.search([Float](repeating: 0.5, count: 8), k: 3).isEmpty)
        try index.upsert(id: 1, vector: [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try index.search([1, 0, 0, 0, 0, 0, 0, 0], k: 0).isEmpty)
        #expect(try index.search([1, 0, 0, 0, 0, 0, 0, 0], minSimilarity: 0, limit: 0).isEmpty)
        #expect(try index.search([1, 0, 0], k: 3).isEmpty, "a query of the wrong length matches nothing")
        #expect(try index.search([Float](repeating: .nan, count: 8), k: 3).isEmpty)
        #expect(try index.search([1, 0, 0, 0, 0, 0, 0, 0], k: 10).count == 1)
    }

    @Test func wrongDimensionIsRefused() throws {
        let index = ExactVectorIndex(dimensions: 4)
        let error = #expect(throws: VisageError.self) { try index.upsert(id: 1, vector: [1, 0, 0]) }
        #expect(error?.code == "embedding_dimension_mismatch")
        #expect(index.count == 0)
    }

    @Test func concurrentReadsWhileWriting() async throws {
        let (index, vectors) = try Self.filled(count: 1_000, dimensions: 32, seed: 6)
        let stable = vectors.keys.sorted()  // the writers use other ids
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    var random = SeededRandom(seed: UInt64(100 + writer))
                    for step in 0..<1_000 {
                        let id = Int64(1_000_000 + writer * 10_000 + step % 500)
                        if step % 3 == 2 { index.remove(id: id) } else { try index.upsert(id: id, vector: random.unitVector(32)) }
                    }
                }
            }
            for reader in 0..<4 {
                group.addTask {
                    for round in 0..<100 {
                        let id = stable[(reader * 100 + round) % stable.count]
                        let found = try index.search(vectors[id]!, k: 5)
                        #expect(found.count == 5)
                        #expect(found.first?.id == id, "a stored vector is its own nearest neighbour")
                        #expect(zip(found, found.dropFirst()).allSatisfy { $0.similarity >= $1.similarity })
                    }
                }
            }
            try await group.waitForAll()
        }
        for (id, vector) in vectors { #expect(index.vector(id: id) == vector) }
    }
}
