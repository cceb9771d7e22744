import Foundation

/// How an `HNSWVectorIndex` builds and searches its graph. The defaults are the ones measured in
/// docs/BENCHMARKS.md (recall@10 >= 0.98 at 1M face-like vectors).
public struct HNSWParameters: Sendable, Hashable {
    /// Links per node (hnswlib's `M`; the bottom layer keeps twice as many).
    public var m: Int
    /// Candidates kept while inserting (hnswlib's `ef_construction`).
    public var efConstruction: Int
    /// Candidates a search collects before the best are kept (hnswlib's `ef`): a search asks the
    /// graph for `max(efSearch, k + excluded)` neighbours and re-ranks them exactly.
    public var efSearch: Int
    /// Below this many vectors the index is an exact scan; the graph is built when it is reached.
    public var exactBelow: Int
    /// New vectors wait in an exact buffer (searched by scan) and join the graph this many at a
    /// time, inserted in parallel.
    public var batchSize: Int
    /// The graph is rebuilt without its tombstones once they are this share of its nodes.
    public var maxDeletedShare: Double
    /// Threads a batch is inserted with.
    public var threads: Int
    /// Seeds the graph's level draws, so a build is reproducible.
    public var seed: UInt64

    public init(
        m: Int = 16, efConstruction: Int = 100, efSearch: Int = 96, exactBelow: Int = 10_000, batchSize: Int = 1_024,
        maxDeletedShare: Double = 0.2, threads: Int = ProcessInfo.processInfo.activeProcessorCount, seed: UInt64 = 100
    ) {
        precondition(m >= 2 && efConstruction >= 1 && efSearch >= 1 && batchSize >= 1, "invalid HNSW parameters")
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.exactBelow = max(0, exactBelow)
        self.batchSize = batchSize
        self.maxDeletedShare = maxDeletedShare
        self.threads = max(1, threads)
        self.seed = seed
    }
}
