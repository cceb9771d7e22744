import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of the `collection_image` table; the store hands out `CollectionImage` values.
struct CollectionImageRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "collection_image"

    /// SQLite's row id, what the image's faces point at.
    var id: Int64
    var collection: String
    var imageID: String
    var file: String
    var width: Int
    var height: Int
    var addedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, collection, file, width, height
        case imageID = "image_id"
        case addedAt = "added_at"
    }

    enum SQLColumns {
        static let collection = Column(CodingKeys.collection)
        static let imageID = Column(CodingKeys.imageID)
    }

    var value: CollectionImage {
        CollectionImage(
            id: id, collection: collection, imageID: imageID, file: file, width: width, height: height,
            addedAt: addedAt)
    }
}

/// A row of the `collection_face` table; the store hands out `CollectionFace` values.
struct CollectionFaceRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "collection_face"

    var id: Int64
    var imageRowID: Int64
    var boxX: Double
    var boxY: Double
    var boxWidth: Double
    var boxHeight: Double
    var confidence: Double
    var embeddingBlob: Data
    var embeddingModel: String

    enum CodingKeys: String, CodingKey {
        case id, confidence
        case imageRowID = "image_row_id"
        case boxX = "box_x", boxY = "box_y", boxWidth = "box_width", boxHeight = "box_height"
        case embeddingBlob = "embedding"
        case embeddingModel = "embedding_model"
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
        static let imageRowID = Column(CodingKeys.imageRowID)
    }

    var value: CollectionFace {
        CollectionFace(
            id: id, imageRowID: imageRowID, box: BoundingBox(x: boxX, y: boxY, width: boxWidth, height: boxHeight),
            confidence: confidence, embedding: EmbeddingBlob.decode(embeddingBlob), embeddingModel: embeddingModel)
    }
}
