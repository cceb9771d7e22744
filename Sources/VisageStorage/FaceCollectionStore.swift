import Foundation
import VisageCore

/// The face database of seed 002: named collections of images whose faces can be searched by
/// embedding. The search runs in the storage layer (an in-memory vector index kept in step with
/// SQLite for the embedded store, pgvector in a shared database), so it stays fast as collections grow.
///
/// Collections are separate: a search never returns a face of another collection, and faces of
/// different embedding models are never compared.
public protocol FaceCollectionStore: Sendable {
    /// Adds the image and its faces, replacing what the collection held under `imageID` (its old
    /// faces and their ids), in one transaction.
    func add(_ image: NewCollectionImage) throws -> AddedCollectionImage
    /// Adds the images in one transaction, in order (a later image with the same id replaces an
    /// earlier one).
    func add(_ images: [NewCollectionImage]) throws -> [AddedCollectionImage]
    /// For each query embedding, the stored faces of `collection` embedded by `model` with cosine
    /// similarity >= `minSimilarity`, best first, at most `limit` of them.
    func search(collection: String, model: String, queries: [[Float]], minSimilarity: Float, limit: Int) throws -> [[CollectionMatch]]
    /// The image and its faces; nil when the collection has no image `imageID`.
    func image(collection: String, imageID: String) throws -> (image: CollectionImage, faces: [CollectionFace])?
    /// Removes the image and its faces; returns how many faces went, nil when there was no such image.
    func deleteImage(collection: String, imageID: String) throws -> Int?
    /// Removes every image of the collection; returns how many images went, nil when it was empty.
    func deleteCollection(_ collection: String) throws -> Int?
    /// Every non-empty collection, by name.
    func collections() throws -> [CollectionSummary]
    /// Faces of `model` the collection holds: what a search of it compares against.
    func faceCount(collection: String, model: String) -> Int
}

/// An image to add to a collection: the caller's ids and the faces found in it.
public struct NewCollectionImage: Sendable {
    public var collection: String
    public var imageID: String
    public var file: String
    public var width: Int
    public var height: Int
    public var embeddingModel: String
    public var faces: [NewCollectionFace]

    public init(
        collection: String, imageID: String, file: String, width: Int, height: Int,
        embeddingModel: String, faces: [NewCollectionFace]
    ) {
        self.collection = collection
        self.imageID = imageID
        self.file = file
        self.width = width
        self.height = height
        self.embeddingModel = embeddingModel
        self.faces = faces
    }
}

/// What `add` stored.
public struct AddedCollectionImage: Sendable {
    public var image: CollectionImage
    /// In the order the faces were given.
    public var faces: [CollectionFace]
    /// Faces the image had before this add (0 for a new image).
    public var replacedFaces: Int
    public var replaced: Bool

    public init(image: CollectionImage, faces: [CollectionFace], replacedFaces: Int, replaced: Bool) {
        self.image = image
        self.faces = faces
        self.replacedFaces = replacedFaces
        self.replaced = replaced
    }
}

/// A stored face that matched a query, with what the caller needs to find its image.
public struct CollectionMatch: Sendable, Hashable {
    public var faceID: Int64
    public var imageID: String
    public var file: String
    public var box: BoundingBox
    /// Cosine similarity, -1 to 1.
    public var similarity: Float

    public init(faceID: Int64, imageID: String, file: String, box: BoundingBox, similarity: Float) {
        self.faceID = faceID
        self.imageID = imageID
        self.file = file
        self.box = box
        self.similarity = similarity
    }

    /// Euclidean distance between the two L2-normalised embeddings, 0 to 2: sqrt(2 - 2 * similarity).
    public var distance: Float { Self.distance(forSimilarity: similarity) }

    public static func distance(forSimilarity similarity: Float) -> Float {
        (max(0, 2 - 2 * similarity)).squareRoot()
    }

    public static func similarity(forDistance distance: Float) -> Float {
        1 - distance * distance / 2
    }
}

/// A collection and its size.
public struct CollectionSummary: Sendable, Hashable, Codable {
    public var name: String
    public var images: Int
    public var faces: Int

    public init(name: String, images: Int, faces: Int) {
        self.name = name
        self.images = images
        self.faces = faces
    }
}

/// Collection names appear in URLs and logs, so they are kept to a safe alphabet.
public enum CollectionName {
    public static let defaultName = "default"

    public static func validated(_ name: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        guard !name.isEmpty, name.count <= 100, name.allSatisfy(allowed.contains) else {
            throw VisageError(.invalidCollection, "a collection name is 1 to 100 letters, digits, '_', '.' or '-'; got \"\(name.prefix(120))\"")
        }
        return name
    }
}
