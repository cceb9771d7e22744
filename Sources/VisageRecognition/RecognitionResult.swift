import VisageCore
import VisageXMP

/// The seed's `cluster` object of a recognised face: which person it was put in, and why.
public struct ClusterMatch: Sendable, Hashable {
    public var clusterID: String
    public var name: String?
    /// Mean similarity of the neighbouring faces that agreed on the cluster; 0 for a new cluster.
    public var confidence: Double
    /// How many of the face's nearest neighbours belong to the cluster.
    public var consensusCount: Int
    /// Image ids of those neighbours, best first, without repeats.
    public var referenceImageIDs: [String]
    /// The face started this cluster.
    public var isNewCluster: Bool
    /// The face's centre in the displayed image, normalised to 0...1: [x, y].
    public var centroid: [Double]
}

/// One face of a recognised image.
public struct RecognizedFace: Sendable {
    /// Stable across re-analysis of the same image (see `FaceStore.saveAnalysis`).
    public var faceID: Int64
    public var face: AnalyzedFace
    /// The XMP name if the metadata names the face, else the cluster's name.
    public var personName: String?
    public var cluster: ClusterMatch
    public var inputFaceMatch: InputFaceMatch?
    /// nil when only one of the two names is known (see `nameMismatch`).
    public var nameMismatch: Bool?
}

/// Everything `recognize` found.
public struct RecognitionResult: Sendable {
    public var imageID: String
    public var imagePath: String
    public var width: Int
    public var height: Int
    public var faces: [RecognizedFace]
    public var unmatchedInputFaces: [UnmatchedInputFace]
    public var modelsUsed: [String: String]
    /// Where the annotated copy was written, when asked for.
    public var annotatedImagePath: String?
    /// Faces of an earlier analysis of the image that were not found again and were deleted.
    public var removedFaceIDs: [Int64]
}
