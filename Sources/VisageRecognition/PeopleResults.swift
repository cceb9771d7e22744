import VisageCore

/// What a change to the people reports back: the seed's `success` and `message`, plus the
/// cluster it concerns.
public struct PeopleChange: Sendable, Hashable {
    public var message: String
    public var clusterID: String?
    /// For a correction: `moved_to_existing`, `created_new_cluster` or `already_assigned`.
    public var actionTaken: String?
    public var faceCount: Int?
    public var clusters: Int?
    public var faces: Int?

    public init(
        message: String, clusterID: String? = nil, actionTaken: String? = nil, faceCount: Int? = nil,
        clusters: Int? = nil, faces: Int? = nil
    ) {
        self.message = message
        self.clusterID = clusterID
        self.actionTaken = actionTaken
        self.faceCount = faceCount
        self.clusters = clusters
        self.faces = faces
    }
}

/// One cluster in `faceInfo`.
public struct ClusterSummary: Sendable, Hashable {
    public var clusterID: String
    public var name: String?
    public var faceCount: Int
    public var pinned: Bool
    public var embeddingModel: String
    /// The cluster's best face for a thumbnail (`FaceStoreReading.coverFaceIDs`); nil while empty.
    public var coverFaceID: Int64?
}

/// The seed's `GET /faceinfo` answer.
public struct FaceInfo: Sendable, Hashable {
    public var totalClusters: Int
    public var namedClusters: Int
    public var totalFaces: Int
    public var clusters: [ClusterSummary]
}

/// A name proposed for an unnamed cluster: the named cluster whose centroid is closest.
public struct NameSuggestion: Sendable, Hashable {
    public var clusterID: String
    public var faceCount: Int
    public var suggestedName: String
    public var similarityScore: Double
    public var referenceClusterID: String
}

/// Another cluster like a given one, for a merge picker: by centroid cosine similarity.
public struct SimilarCluster: Sendable, Hashable {
    public var clusterID: String
    public var name: String?
    public var faceCount: Int
    public var coverFaceID: Int64?
    public var similarity: Double
}

/// A face of a query image and the stored faces most like it (`searchFaces`).
public struct SearchedFace: Sendable, Hashable {
    public struct Match: Sendable, Hashable {
        public var faceID: Int64
        public var imageID: String
        public var clusterID: String?
        /// The cluster's name, else the face's label.
        public var name: String?
        public var similarity: Double
    }

    /// In displayed pixels of the query image.
    public var box: BoundingBox
    public var confidence: Double
    /// Best first (ties by face id), at most `top_k`, each at least `min_similarity`.
    public var matches: [Match]
}

/// A stored face as listed for a person or cluster.
public struct FaceListing: Sendable, Hashable {
    public var faceID: Int64
    public var imageID: String
    public var imagePath: String
    /// [x, y, width, height] in displayed pixels.
    public var bbox: [Double]
    public var confidence: Double
    public var clusterID: String?
    public var labelName: String?
    public var labelSource: String?
}

/// What `recluster` did.
public struct ReclusterSummary: Sendable, Hashable {
    public var faces: Int
    public var clustersBefore: Int
    public var clustersAfter: Int
    /// Faces whose cluster id changed.
    public var facesMoved: Int
    public var seconds: Double
}
