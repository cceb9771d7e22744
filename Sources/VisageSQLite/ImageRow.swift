import Foundation
import GRDB
import VisageStorage

/// A row of the `image` table; the store hands out `StoredImage` values.
struct ImageRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "image"

    /// SQLite's row id, what faces point at.
    var id: Int64
    var imageID: String
    var path: String
    var width: Int
    var height: Int
    var orientation: Int
    var contentHash: String?
    var analyzedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case imageID = "image_id"
        case path, width, height, orientation
        case contentHash = "content_hash"
        case analyzedAt = "analyzed_at"
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
        static let imageID = Column(CodingKeys.imageID)
    }

    init(_ image: StoredImage) {
        (id, imageID, path, width, height) = (image.id, image.imageID, image.path, image.width, image.height)
        (orientation, contentHash, analyzedAt) = (image.orientation, image.contentHash, image.analyzedAt)
    }

    var value: StoredImage {
        StoredImage(
            id: id, imageID: imageID, path: path, width: width, height: height, orientation: orientation,
            contentHash: contentHash, analyzedAt: analyzedAt)
    }
}
