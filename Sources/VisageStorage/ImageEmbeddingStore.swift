import Foundation
import VisageCore

/// Seed 000's image embeddings (`POST /images/encode`), searched by text (`POST /search`) and by
/// example (`POST /search/similar`). An image has at most one embedding per model; embeddings of
/// different models are never compared, so changing the CLIP model starts a new, empty space
/// rather than mixing two. The search runs in the storage layer, through a vector index kept in
/// step with the database.
public protocol ImageEmbeddingStore: Sendable {
    /// Stores `embedding`, replacing the image's earlier one of the same model, in one
    /// transaction; the index changes after the commit. Returns whether one was replaced.
    @discardableResult
    func store(_ embedding: ImageEmbedding) throws -> Bool
    /// The image's embedding of `model`; nil when it has none.
    func embedding(imageID: String, model: String) throws -> ImageEmbedding?
    /// The stored images of `model` with cosine similarity >= `minScore` to `query`, best first,
    /// at most `limit`, never `excluding`.
    func search(model: String, query: [Float], minScore: Float, limit: Int, excluding imageID: String?) throws -> [ImageMatch]
    /// Removes every embedding of the image; returns how many went.
    @discardableResult
    func deleteEmbeddings(imageID: String) throws -> Int
    /// Embeddings of `model` stored: what a search compares against.
    func embeddingCount(model: String) -> Int
}

/// One image's embedding by one model.
public struct ImageEmbedding: Sendable, Equatable {
    /// The caller's id for the image (seed 000's `image_id`).
    public var imageID: String
    /// Where the image was read from, when it was a path the caller named.
    public var imagePath: String?
    /// The model that made `vector` (its folder name, e.g. `ViT-B-32__openai`).
    public var model: String
    /// L2-normalised.
    public var vector: [Float]
    public var encodedAt: Date

    public init(imageID: String, imagePath: String?, model: String, vector: [Float], encodedAt: Date = Date()) {
        self.imageID = imageID
        self.imagePath = imagePath
        self.model = model
        self.vector = vector
        self.encodedAt = encodedAt
    }
}

/// A stored image a search found, with its cosine similarity to the query.
public struct ImageMatch: Sendable, Equatable {
    public var imageID: String
    public var imagePath: String?
    public var score: Float

    public init(imageID: String, imagePath: String?, score: Float) {
        self.imageID = imageID
        self.imagePath = imagePath
        self.score = score
    }
}

/// The checks every backend applies to an embedding before storing it.
public enum ImageEmbeddingRules {
    /// Longer ids are refused (as everywhere image ids are taken): an id is the caller's key,
    /// often the image's path, not a place to keep data.
    public static let maxImageIDLength = 1024

    public static func validate(_ embedding: ImageEmbedding) throws {
        try validate(imageID: embedding.imageID)
        guard !embedding.model.isEmpty else { throw VisageError(.invalidRequest, "an image embedding needs its model's name") }
        guard !embedding.vector.isEmpty, embedding.vector.allSatisfy(\.isFinite) else {
            throw VisageError(.invalidRequest, "an image embedding must be a non-empty vector of finite numbers")
        }
    }

    public static func validate(imageID: String) throws {
        guard !imageID.isEmpty, imageID.unicodeScalars.count <= maxImageIDLength else {
            throw VisageError(.invalidRequest, "image_id must be 1 to \(maxImageIDLength) characters long")
        }
    }
}
