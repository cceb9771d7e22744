import Foundation
import VisageCore

/// An image added to a face collection, known by the caller's `imageID` within the collection.
public struct CollectionImage: Sendable, Hashable {
    /// The store's own key for the image, what its faces point at.
    public var id: Int64
    public var collection: String
    public var imageID: String
    /// The caller's reference to the file (a path, URL or storage key), returned with matches.
    public var file: String
    /// Displayed (EXIF-rotated) size in pixels; face boxes are in these pixels.
    public var width: Int
    public var height: Int
    public var addedAt: Date

    public init(id: Int64, collection: String, imageID: String, file: String, width: Int, height: Int, addedAt: Date) {
        self.id = id
        self.collection = collection
        self.imageID = imageID
        self.file = file
        self.width = width
        self.height = height
        self.addedAt = addedAt
    }
}

/// One face of a collection image, with its embedding.
public struct CollectionFace: Sendable, Hashable {
    public var id: Int64
    /// `CollectionImage.id` of the image the face is in.
    public var imageRowID: Int64
    /// In displayed-image pixels.
    public var box: BoundingBox
    public var confidence: Double
    /// L2-normalised.
    public var embedding: [Float]
    /// Name of the model that made the embedding; only faces of the query's model are searched.
    public var embeddingModel: String

    public init(id: Int64, imageRowID: Int64, box: BoundingBox, confidence: Double, embedding: [Float], embeddingModel: String) {
        self.id = id
        self.imageRowID = imageRowID
        self.box = box
        self.confidence = confidence
        self.embedding = embedding
        self.embeddingModel = embeddingModel
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
