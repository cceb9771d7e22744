import Foundation
import GRDB
import VisageCore

/// An image added to a face collection, known by the caller's `imageID` within the collection.
public struct CollectionImage: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "collection_image"

    /// SQLite's row id, what the image's faces point at.
    public internal(set) var id: Int64
    public internal(set) var collection: String
    public internal(set) var imageID: String
    /// The caller's reference to the file (a path, URL or storage key), returned with matches.
    public internal(set) var file: String
    /// Displayed (EXIF-rotated) size in pixels; face boxes are in these pixels.
    public internal(set) var width: Int
    public internal(set) var height: Int
    public internal(set) var addedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, collection, file, width, height
        case imageID = "image_id"
        case addedAt = "added_at"
    }

    enum SQLColumns {
        static let collection = Column(CodingKeys.collection)
        static let imageID = Column(CodingKeys.imageID)
    }
}

/// One face of a collection image, with its embedding.
public struct CollectionFace: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "collection_face"

    public internal(set) var id: Int64
    /// `CollectionImage.id` of the image the face is in.
    public internal(set) var imageRowID: Int64
    var boxX: Double
    var boxY: Double
    var boxWidth: Double
    var boxHeight: Double
    public internal(set) var confidence: Double
    var embeddingBlob: Data
    /// Name of the model that made the embedding; only faces of the query's model are searched.
    public internal(set) var embeddingModel: String

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

    /// In displayed-image pixels.
    public var box: BoundingBox { BoundingBox(x: boxX, y: boxY, width: boxWidth, height: boxHeight) }

    /// L2-normalised. Decoded from the stored bytes on each access.
    public var embedding: [Float] { EmbeddingBlob.decode(embeddingBlob) }

    /// A face not yet inserted (`id` 0).
    init(_ face: NewCollectionFace, imageRowID: Int64, model: String) {
        id = 0
        self.imageRowID = imageRowID
        (boxX, boxY, boxWidth, boxHeight) = (face.box.x, face.box.y, face.box.width, face.box.height)
        confidence = face.confidence
        embeddingBlob = EmbeddingBlob.encode(face.embedding)
        embeddingModel = model
    }
}

/// A face found in an image, about to be added to a collection.
public struct NewCollectionFace: Sendable {
    public var box: BoundingBox
    public var confidence: Double
    /// L2-normalised.
    public var embedding: [Float]

    public init(box: BoundingBox, confidence: Double, embedding: [Float]) {
        self.box = box
        self.confidence = confidence
        self.embedding = embedding
    }
}
