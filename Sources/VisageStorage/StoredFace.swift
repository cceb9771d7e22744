import Foundation
import VisageCore

/// One face of a stored image, with its embedding and what is known about who it is.
///
/// `id` is stable: re-analysing the image keeps the id of every face that is found again (see
/// `FaceStoreTransaction.saveAnalysis`), so vector indexes and clients can hold on to it.
public struct StoredFace: Sendable, Hashable {
    public var id: Int64
    /// `StoredImage.id` of the image the face is in.
    public var imageRowID: Int64
    /// In displayed-image pixels.
    public var box: BoundingBox
    public var landmarks: FaceLandmarks?
    public var pose: HeadPose?
    public var age: Int?
    public var gender: Gender?
    public var confidence: Double
    public var quality: Double?
    /// L2-normalised.
    public var embedding: [Float]
    /// Name of the model that made `embedding`; embeddings of different models are never compared.
    public var embeddingModel: String
    public var clusterID: String?
    public var label: FaceLabel?
    public var createdAt: Date

    public init(
        id: Int64, imageRowID: Int64, box: BoundingBox, landmarks: FaceLandmarks?, pose: HeadPose?,
        age: Int?, gender: Gender?, confidence: Double, quality: Double?, embedding: [Float],
        embeddingModel: String, clusterID: String?, label: FaceLabel?, createdAt: Date
    ) {
        self.id = id
        self.imageRowID = imageRowID
        self.box = box
        self.landmarks = landmarks
        self.pose = pose
        self.age = age
        self.gender = gender
        self.confidence = confidence
        self.quality = quality
        self.embedding = embedding
        self.embeddingModel = embeddingModel
        self.clusterID = clusterID
        self.label = label
        self.createdAt = createdAt
    }

    /// A face not yet stored (`id` 0), built from an analysis result; its label is the analysis's,
    /// cleaned.
    package init(_ face: NewFace, imageRowID: Int64, model: String, createdAt: Date) {
        self.init(
            id: 0, imageRowID: imageRowID, box: face.box, landmarks: nil, pose: nil, age: nil, gender: nil,
            confidence: 0, quality: nil, embedding: [], embeddingModel: model, clusterID: nil,
            label: face.label?.cleaned, createdAt: createdAt)
        replaceAnalysis(with: face, model: model)
    }

    /// Takes everything the detector and embedder measured from `face`; leaves identity (cluster,
    /// label) and id alone.
    package mutating func replaceAnalysis(with face: NewFace, model: String) {
        box = face.box
        landmarks = face.landmarks
        pose = face.pose
        age = face.age
        gender = face.gender
        confidence = face.confidence
        quality = face.quality
        embedding = face.embedding
        embeddingModel = model
    }
}
