import Foundation
import VisageCore
import VisageImaging
import VisageSemantic
import VisageStorage

/// Seed 000's semantic image search: images encoded by CLIP and kept under their `image_id`
/// (`POST /images/encode`), found by a sentence (`POST /search`) or by an example image
/// (`POST /search/similar`). Embeddings are stored under the CLIP model's name, so a library
/// encoded by one model is never searched with another's vectors.
public struct ImageSearchService: Sendable {
    /// A text query longer than this (in Unicode scalars, as JSON Schema's `maxLength` counts) is
    /// refused: CLIP reads 77 tokens at most, and a query is a sentence, not a document.
    public static let maxQueryLength = 1000
    public static let maxLimit = 1000

    /// The CLIP model, or why there is none (the sentence naming what to install).
    public let encoder: Result<CLIPModel, VisageError>
    public let store: any ImageEmbeddingStore

    public init(encoder: Result<CLIPModel, VisageError>, store: any ImageEmbeddingStore) {
        self.encoder = encoder
        self.store = store
    }

    /// The model embeddings are stored and searched under; nil when CLIP is not installed.
    public var modelName: String? { try? encoder.get().name }

    /// Embeds `image` and stores it under `imageID`, replacing its earlier embedding by this model
    /// (`replaced` says whether there was one).
    @discardableResult
    public func encode(imageID: String, imagePath: String?, image: RGBImage) throws -> (embedding: ImageEmbedding, replaced: Bool) {
        try ImageEmbeddingRules.validate(imageID: imageID)
        let clip = try encoder.get()
        let embedding = ImageEmbedding(imageID: imageID, imagePath: imagePath, model: clip.name, vector: try clip.embed(images: [image])[0])
        return (embedding, try store.store(embedding))
    }

    /// The stored images best described by `query`.
    public func search(text query: String, limit: Int, minScore: Float?) throws -> [ImageMatch] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, query.unicodeScalars.count <= Self.maxQueryLength else {
            throw VisageError(.invalidRequest, "query must be a non-empty sentence of at most \(Self.maxQueryLength) characters")
        }
        let clip = try encoder.get()
        let vector = try clip.embed(texts: [trimmed])[0]
        return try store.search(model: clip.name, query: vector, minScore: minScore ?? -1, limit: try Self.checked(limit), excluding: nil)
    }

    /// The stored images most like the stored image `imageID` (never itself).
    public func similar(toStored imageID: String, limit: Int, minScore: Float?) throws -> [ImageMatch] {
        let clip = try encoder.get()
        guard let stored = try store.embedding(imageID: imageID, model: clip.name) else {
            throw VisageError(
                .imageUnknown,
                "no image with image_id '\(imageID.prefix(256))' has been encoded with \(clip.name): POST /images/encode it first, or send the image")
        }
        return try store.search(model: clip.name, query: stored.vector, minScore: minScore ?? -1, limit: try Self.checked(limit), excluding: imageID)
    }

    /// The stored images most like `image`; `excluding` (the example's own id, when it has one)
    /// is left out.
    public func similar(to image: RGBImage, excluding imageID: String?, limit: Int, minScore: Float?) throws -> [ImageMatch] {
        let clip = try encoder.get()
        let vector = try clip.embed(images: [image])[0]
        return try store.search(model: clip.name, query: vector, minScore: minScore ?? -1, limit: try Self.checked(limit), excluding: imageID)
    }

    /// Whether `imageID` has an embedding by the current model (what `/search/similar` uses
    /// before it looks at a sent image).
    public func isEncoded(_ imageID: String) throws -> Bool {
        guard let model = modelName else { return false }
        return try store.embedding(imageID: imageID, model: model) != nil
    }

    private static func checked(_ limit: Int) throws -> Int {
        guard (1...maxLimit).contains(limit) else { throw VisageError(.invalidRequest, "limit must be from 1 to \(maxLimit)") }
        return limit
    }
}
