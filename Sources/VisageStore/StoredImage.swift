import Foundation
import GRDB

/// One analysed image, known by the caller's `imageID`. Its faces hang off `id`.
public struct StoredImage: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "image"

    /// SQLite's row id, what faces point at.
    public internal(set) var id: Int64
    /// The caller's id for the image (a UUID from the photo library, say).
    public internal(set) var imageID: String
    public internal(set) var path: String
    /// Displayed (EXIF-rotated) size in pixels; face boxes are in these pixels.
    public internal(set) var width: Int
    public internal(set) var height: Int
    public internal(set) var orientation: Int
    public internal(set) var contentHash: String?
    public internal(set) var analyzedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case imageID = "image_id"
        case path, width, height, orientation
        case contentHash = "content_hash"
        case analyzedAt = "analyzed_at"
    }

    enum SQLColumns {
        static let imageID = Column(CodingKeys.imageID)
    }
}
