import Foundation
import VisageClustering
import VisageCore
import VisageFaces
import VisageImaging
import VisageSearch
import VisageStore
import VisageXMP

/// The face-recognition service behind the HTTP API and the CLI: analyses images, stores their
/// faces, groups them into people as they arrive, and applies the user's decisions (names,
/// renames, corrections, merges, splits).
///
/// Analysis runs concurrently; everything that reads the people to change them (assigning a
/// new face to a cluster, naming, reclustering) runs under one lock and in one store
/// transaction, so a decision never rests on a state another request is changing, and a crash
/// leaves either all of an image's faces or none.
public final class RecognitionService: Sendable {
    public let analyzer: FaceAnalyzer
    public let store: FaceStore
    public let configuration: RecognitionConfiguration
    /// Name of the embedding model: only faces embedded by it are compared and clustered.
    public let embeddingModel: String
    let index: any VectorIndex
    let regionReader: FaceRegionReader
    let writeLock = NSLock()

    public init(analyzer: FaceAnalyzer, store: FaceStore, configuration: RecognitionConfiguration) throws {
        self.analyzer = analyzer
        self.store = store
        self.configuration = configuration
        embeddingModel = analyzer.embeddingModelName
        index = try store.makeVectorIndex(embeddingModel: embeddingModel, dimensions: analyzer.embeddingDimensions)
        regionReader = FaceRegionReader(decoder: configuration.decoder)
    }

    /// The thresholds for the current embedding model.
    public var clusteringParameters: ClusteringParameters {
        configuration.clustering ?? ClusteringParameters.forModel(embeddingModel)
    }

    /// How many faces of the current model the vector index holds.
    public var indexedFaceCount: Int { index.count }

    /// Runs `body` holding the write lock, in one store transaction.
    func exclusiveTransaction<T>(_ body: (FaceStoreTransaction) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        return try store.transaction(body)
    }

    /// Runs `body` holding the write lock (for work that needs the index and the store to agree
    /// across a commit).
    func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        return try body()
    }
}

/// Settings of the recognition service.
public struct RecognitionConfiguration: Sendable {
    /// Where annotated copies go (`DATA/annotated_images`); nil disables `save_annotated`.
    public var annotatedImagesDirectory: URL?
    public var decoder: ImageDecoder
    /// Images are analysed at most this large (longest side, pixels); boxes are reported in
    /// full-size pixels whatever this is.
    public var maxSide: Int
    /// Overrides the per-model clustering thresholds.
    public var clustering: ClusteringParameters?
    public var analysis: AnalysisOptions

    public init(annotatedImagesDirectory: URL? = nil, decoder: ImageDecoder = ImageDecoder(), maxSide: Int = 4096,
                clustering: ClusteringParameters? = nil, analysis: AnalysisOptions = AnalysisOptions(embeddings: true)) {
        self.annotatedImagesDirectory = annotatedImagesDirectory
        self.decoder = decoder
        self.maxSide = maxSide
        self.clustering = clustering
        self.analysis = analysis
    }
}
