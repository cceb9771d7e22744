/// Embeddings of images the server already encoded (seed 000's image-embedding store), by the
/// client's image id: what a training example `{"image_id": ...}` reads. The server wires the
/// store that holds them; without one, such examples are refused with `image_not_encoded`.
public protocol StoredEmbeddingLookup: Sendable {
    /// The stored `type` embedding of `imageID`; nil when that image has none of that type.
    func embedding(imageID: String, type: EmbeddingType) throws -> [Float]?
}
