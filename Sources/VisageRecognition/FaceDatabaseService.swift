import Foundation
import VisageClustering
import VisageCore
import VisageFaces
import VisageImaging
import VisageStorage

/// Seed 002's face database: systems add images to a collection and search it with a query
/// image. Analysis happens here; storing and searching happen in the `FaceCollectionStore`.
public struct FaceDatabaseService: Sendable {
    public let analyzer: FaceAnalyzer
    public let collections: any FaceCollectionStore
    /// Only faces embedded by this model are added and searched.
    public let embeddingModel: String
    /// The similarity a search uses when the caller gives no threshold: the embedding model's
    /// same-person threshold, the one people are clustered with.
    public let defaultMinSimilarity: Float

    public init(analyzer: FaceAnalyzer, collections: any FaceCollectionStore, defaultMinSimilarity: Float? = nil) {
        self.analyzer = analyzer
        self.collections = collections
        embeddingModel = analyzer.embeddingModelName
        self.defaultMinSimilarity = defaultMinSimilarity ?? ClusteringParameters.forModel(embeddingModel).neighborSimilarity
    }

    /// Finds the faces in `image` and adds them to the collection under `imageID`, replacing any
    /// faces stored there before. An image without faces is still added (with none), so that it
    /// can be listed and deleted like the others.
    public func add(
        collection: String, imageID: String, file: String, image: DecodedImage,
        minFaceSize: Double = 0
    ) throws -> AddedCollectionImage {
        try collections.add(
            NewCollectionImage(
                collection: collection, imageID: imageID, file: file, width: image.header.width, height: image.header.height,
                embeddingModel: embeddingModel, faces: try analyze(image, minFaceSize: minFaceSize)))
    }

    /// Each face of the query image with the collection's faces that match it, best first.
    public func search(
        collection: String, image: DecodedImage, minSimilarity: Float? = nil, limit: Int = 10,
        minFaceSize: Double = 0
    ) throws -> FaceSearchResult {
        let faces = try analyze(image, minFaceSize: minFaceSize)
        let threshold = minSimilarity ?? defaultMinSimilarity
        let matches = try collections.search(
            collection: collection, model: embeddingModel, queries: faces.map(\.embedding),
            minSimilarity: threshold, limit: limit)
        return FaceSearchResult(
            faces: zip(faces, matches).map { FaceSearchResult.QueryFace(box: $0.box, confidence: $0.confidence, matches: $1) },
            width: image.header.width, height: image.header.height, minSimilarity: threshold,
            searchedFaces: collections.faceCount(collection: collection, model: embeddingModel))
    }

    private func analyze(_ image: DecodedImage, minFaceSize: Double) throws -> [NewCollectionFace] {
        try analyzer.analyze(image, options: AnalysisOptions(embeddings: true, minFaceSize: minFaceSize)).map { face in
            guard let embedding = face.embedding else { throw VisageError(.embeddingMissing, "the face was analysed without an embedding") }
            return NewCollectionFace(box: face.detection.box, confidence: face.detection.confidence, embedding: embedding)
        }
    }
}

/// What a face-database search found.
public struct FaceSearchResult: Sendable {
    public struct QueryFace: Sendable {
        /// Where the face is in the query image (displayed pixels).
        public var box: BoundingBox
        public var confidence: Double
        /// Stored faces within the threshold, best first.
        public var matches: [CollectionMatch]
    }

    /// The query image's faces, largest first.
    public var faces: [QueryFace]
    public var width: Int
    public var height: Int
    /// The threshold that was applied.
    public var minSimilarity: Float
    /// Faces the collection holds for the current model: what each query face was compared with.
    public var searchedFaces: Int
}
