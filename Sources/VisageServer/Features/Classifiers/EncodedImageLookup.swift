import VisageClassifiers
import VisageImageSearch

/// Training examples given by `image_id`: the CLIP embedding `POST /images/encode` stored for the
/// image, by the CLIP model this server runs (the only type images are encoded with today).
struct EncodedImageLookup: StoredEmbeddingLookup {
    let search: ImageSearchService

    func embedding(imageID: String, type: EmbeddingType) throws -> [Float]? {
        guard type == .clip, let model = search.modelName else { return nil }
        return try search.store.embedding(imageID: imageID, model: model)?.vector
    }
}
