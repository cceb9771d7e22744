import Foundation
import GRDB
import VisageCore

/// One face of a stored image, with its embedding and what is known about who it is.
///
/// `id` is stable: re-analysing the image keeps the id of every face that is found again (see
/// `FaceStoreTransaction.saveAnalysis`), so vector indexes and clients can hold on to it.
public struct StoredFace: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "face"

    public internal(set) var id: Int64
    /// `StoredImage.id` of the image the face is in.
    public internal(set) var imageRowID: Int64
    var boxX: Double
    var boxY: Double
    var boxWidth: Double
    var boxHeight: Double
    /// Stored as JSON text: nobody queries individual landmark coordinates in SQL.
    public internal(set) var landmarks: FaceLandmarks?
    var yaw: Double?
    var pitch: Double?
    var roll: Double?
    public internal(set) var age: Int?
    public internal(set) var gender: Gender?
    public internal(set) var confidence: Double
    public internal(set) var quality: Double?
    var embeddingBlob: Data
    /// Name of the model that made `embedding`; embeddings of different models are never compared.
    public internal(set) var embeddingModel: String
    public internal(set) var clusterID: String?
    var labelName: String?
    var labelSource: LabelSource?
    public internal(set) var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case imageRowID = "image_row_id"
        case boxX = "box_x", boxY = "box_y", boxWidth = "box_width", boxHeight = "box_height"
        case landmarks, yaw, pitch, roll, age, gender, confidence, quality
        case embeddingBlob = "embedding"
        case embeddingModel = "embedding_model"
        case clusterID = "cluster_id"
        case labelName = "label_name"
        case labelSource = "label_source"
        case createdAt = "created_at"
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
        static let imageRowID = Column(CodingKeys.imageRowID)
        static let embeddingBlob = Column(CodingKeys.embeddingBlob)
        static let embeddingModel = Column(CodingKeys.embeddingModel)
        static let clusterID = Column(CodingKeys.clusterID)
        static let labelName = Column(CodingKeys.labelName)
    }

    /// In displayed-image pixels.
    public internal(set) var box: BoundingBox {
        get { BoundingBox(x: boxX, y: boxY, width: boxWidth, height: boxHeight) }
        set { (boxX, boxY, boxWidth, boxHeight) = (newValue.x, newValue.y, newValue.width, newValue.height) }
    }

    public internal(set) var pose: HeadPose? {
        get {
            guard let yaw, let pitch, let roll else { return nil }
            return HeadPose(yaw: yaw, pitch: pitch, roll: roll)
        }
        set { (yaw, pitch, roll) = (newValue?.yaw, newValue?.pitch, newValue?.roll) }
    }

    /// L2-normalised. Decoded from the stored bytes on each access.
    public internal(set) var embedding: [Float] {
        get { EmbeddingBlob.decode(embeddingBlob) }
        set { embeddingBlob = EmbeddingBlob.encode(newValue) }
    }

    public internal(set) var label: FaceLabel? {
        get {
            guard let labelName, let labelSource else { return nil }
            return FaceLabel(name: labelName, source: labelSource)
        }
        set { (labelName, labelSource) = (newValue?.name, newValue?.source) }
    }

    /// A face not yet inserted (`id` 0), built from an analysis result.
    init(_ face: NewFace, imageRowID: Int64, model: String, createdAt: Date) {
        self.id = 0
        self.imageRowID = imageRowID
        (boxX, boxY, boxWidth, boxHeight) = (0, 0, 0, 0)
        confidence = 0
        embeddingBlob = Data()
        embeddingModel = model
        self.createdAt = createdAt
        replaceAnalysis(with: face, model: model)
        label = face.label?.cleaned
    }

    /// Takes everything the detector and embedder measured from `face`; leaves identity (cluster,
    /// label) and id alone.
    mutating func replaceAnalysis(with face: NewFace, model: String) {
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
