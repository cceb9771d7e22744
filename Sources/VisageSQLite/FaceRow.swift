import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of the `face` table; the store hands out `StoredFace` values.
struct FaceRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "face"

    var id: Int64
    var imageRowID: Int64
    var boxX: Double
    var boxY: Double
    var boxWidth: Double
    var boxHeight: Double
    /// Stored as JSON text: nobody queries individual landmark coordinates in SQL.
    var landmarks: FaceLandmarks?
    var yaw: Double?
    var pitch: Double?
    var roll: Double?
    var age: Int?
    var gender: Gender?
    var confidence: Double
    var quality: Double?
    var embeddingBlob: Data
    var embeddingModel: String
    var clusterID: String?
    var labelName: String?
    /// A `LabelSource` raw value; the schema's CHECK keeps it to the known ones.
    var labelSource: String?
    var createdAt: Date

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

    init(_ face: StoredFace) {
        id = face.id
        imageRowID = face.imageRowID
        (boxX, boxY, boxWidth, boxHeight) = (face.box.x, face.box.y, face.box.width, face.box.height)
        landmarks = face.landmarks
        (yaw, pitch, roll) = (face.pose?.yaw, face.pose?.pitch, face.pose?.roll)
        (age, gender, confidence, quality) = (face.age, face.gender, face.confidence, face.quality)
        embeddingBlob = EmbeddingBlob.encode(face.embedding)
        embeddingModel = face.embeddingModel
        clusterID = face.clusterID
        (labelName, labelSource) = (face.label?.name, face.label?.source.rawValue)
        createdAt = face.createdAt
    }

    var value: StoredFace {
        get throws {
            var pose: HeadPose?
            if let yaw, let pitch, let roll { pose = HeadPose(yaw: yaw, pitch: pitch, roll: roll) }
            var label: FaceLabel?
            if let labelName, let labelSource {
                guard let source = LabelSource(rawValue: labelSource) else {
                    throw StoreErrors.corrupt("face \(id) has an unknown label source \"\(labelSource)\"")
                }
                label = FaceLabel(name: labelName, source: source)
            }
            return StoredFace(
                id: id, imageRowID: imageRowID,
                box: BoundingBox(x: boxX, y: boxY, width: boxWidth, height: boxHeight),
                landmarks: landmarks, pose: pose, age: age, gender: gender, confidence: confidence,
                quality: quality, embedding: EmbeddingBlob.decode(embeddingBlob),
                embeddingModel: embeddingModel, clusterID: clusterID, label: label, createdAt: createdAt)
        }
    }
}

extension Array where Element == FaceRow {
    var values: [StoredFace] {
        get throws { try map { try $0.value } }
    }
}
