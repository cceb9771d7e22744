import Foundation
import VisageClustering
import VisageCore
import VisageFaces
import VisageImaging
import VisageSearch
import VisageStorage
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
    /// The store and the vector index of the current model, kept in step under one write lock;
    /// shared with the other features that read and change people.
    public let library: FaceLibrary
    public let configuration: RecognitionConfiguration
    let regionReader: FaceRegionReader
    /// New faces since the background pass last settled people (`settlePeople()`).
    let activity = PeopleActivity()
    /// Encoded face crops (`faceCrop`), so a UI's repeated thumbnails don't decode photos again.
    public let cropCache: FaceCropCache

    public init(analyzer: FaceAnalyzer, library: FaceLibrary, configuration: RecognitionConfiguration) {
        self.analyzer = analyzer
        self.library = library
        self.configuration = configuration
        cropCache = FaceCropCache()
        regionReader = FaceRegionReader(decoder: configuration.decoder)
    }

    /// Opens a library over `store` for the analyzer's embedding model (building its index from
    /// the store) and the service over it.
    public convenience init(
        analyzer: FaceAnalyzer, store: any FaceStore, configuration: RecognitionConfiguration,
        indexFactory: any VectorIndexFactory = ExactVectorIndexFactory()
    ) throws {
        let library = try FaceLibrary(
            store: store, embeddingModel: analyzer.embeddingModelName,
            dimensions: analyzer.embeddingDimensions, indexFactory: indexFactory)
        self.init(analyzer: analyzer, library: library, configuration: configuration)
    }

    public var store: any FaceStore { library.store }

    /// Name of the embedding model: only faces embedded by it are compared and clustered.
    public var embeddingModel: String { library.embeddingModel }

    var index: any VectorSearching { library.index }

    /// The thresholds for the current embedding model.
    public var clusteringParameters: ClusteringParameters {
        configuration.clusteringOverrides.applied(to: configuration.clustering ?? ClusteringParameters.forModel(embeddingModel))
    }

    /// How many faces of the current model the vector index holds.
    public var indexedFaceCount: Int { index.count }
}

/// Settings of the recognition service.
public struct RecognitionConfiguration: Sendable {
    /// Where annotated copies go (`DATA/annotated_images`); nil disables `save_annotated`.
    public var annotatedImagesDirectory: URL?
    public var decoder: ImageDecoder
    /// Images are analysed at most this large (longest side, pixels); boxes are reported in
    /// full-size pixels whatever this is.
    public var maxSide: Int
    /// Replaces the per-model clustering thresholds.
    public var clustering: ClusteringParameters?
    /// The operator's changes to them (`VISAGE_CLUSTER_*`).
    public var clusteringOverrides: ClusteringOverrides
    public var analysis: AnalysisOptions
    /// When the background pass reclusters after new faces (off unless a caller runs
    /// `RecognitionService.settlePeople()`, as `visage serve` does).
    public var settling: SettlingPolicy

    public init(
        annotatedImagesDirectory: URL? = nil, decoder: ImageDecoder = ImageDecoder(), maxSide: Int = 4096,
        clustering: ClusteringParameters? = nil, clusteringOverrides: ClusteringOverrides = ClusteringOverrides(),
        analysis: AnalysisOptions = AnalysisOptions(embeddings: true), settling: SettlingPolicy = .off
    ) {
        self.annotatedImagesDirectory = annotatedImagesDirectory
        self.decoder = decoder
        self.maxSide = maxSide
        self.clustering = clustering
        self.clusteringOverrides = clusteringOverrides
        self.analysis = analysis
        self.settling = settling
    }
}
