import VisageStorage

/// `POST /images/encode`'s answer, in seed 000's shape plus the vector's size and whether an
/// earlier embedding of the image was replaced.
struct EncodeImagePayload: Encodable {
    let imageID: String
    let imagePath: String?
    let embeddingStored = true
    let dimensions: Int
    let replaced: Bool
    let modelsUsed: [String: String]

    enum CodingKeys: String, CodingKey {
        case imageID = "image_id", imagePath = "image_path", embeddingStored = "embedding_stored", dimensions, replaced
        case modelsUsed = "models_used"
    }

    /// Written by hand so `image_path` appears as null when the image came another way.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(imageID, forKey: .imageID)
        try container.encode(imagePath, forKey: .imagePath)
        try container.encode(embeddingStored, forKey: .embeddingStored)
        try container.encode(dimensions, forKey: .dimensions)
        try container.encode(replaced, forKey: .replaced)
        try container.encode(modelsUsed, forKey: .modelsUsed)
    }
}

/// One found image: seed 000's `image_id` and `score` (cosine similarity), and the path it was
/// encoded from (null when it came another way).
struct ImageMatchPayload: Encodable {
    let match: ImageMatch

    enum CodingKeys: String, CodingKey { case imageID = "image_id", score, imagePath = "image_path" }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(match.imageID, forKey: .imageID)
        // Four places, as face similarities are reported: more digits are noise, not ranking.
        try container.encode((Double(match.score) * 10_000).rounded() / 10_000, forKey: .score)
        try container.encode(match.imagePath, forKey: .imagePath)
    }
}

/// `POST /search`'s answer: seed 000's `query` and `results`, best first.
struct TextSearchPayload: Encodable {
    let query: String
    let results: [ImageMatchPayload]
    let modelsUsed: [String: String]

    enum CodingKeys: String, CodingKey { case query, results, modelsUsed = "models_used" }
}

/// `POST /search/similar`'s answer: the example's `image_id` (null for an image sent without
/// one) and `results`, best first.
struct SimilarSearchPayload: Encodable {
    let imageID: String?
    let results: [ImageMatchPayload]
    let modelsUsed: [String: String]

    enum CodingKeys: String, CodingKey { case imageID = "image_id", results, modelsUsed = "models_used" }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(imageID, forKey: .imageID)
        try container.encode(results, forKey: .results)
        try container.encode(modelsUsed, forKey: .modelsUsed)
    }
}
