import Foundation
import VisageCore
import VisageImageSearch
import VisageInput

/// `POST /images/encode`: the caller's `image_id` and one image (seed 000 sends `image_path`;
/// `image_url`, `image_base64` and uploads work as on the other image routes).
struct EncodeImageBody: ImageRequestBody {
    let imageID: String
    let imagePath: String?
    let image: ImageInput

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        guard let imageID = try fields.text("image_id"), !imageID.isEmpty else {
            throw VisageError(.invalidRequest, "image_id is required: the id the embedding is stored and found under")
        }
        self.imageID = try TextField.imageID(imageID)
        let field = try ImageField(from: decoder)
        imagePath = try field.path.map { try TextField.checked($0, field: "image_path", maxLength: TextField.maxFileLength) }
        image = try field.single()
    }
}

/// `POST /search`: a sentence, how many results, and the score below which none is shown.
struct TextSearchBody: ValidatedBody {
    let query: String
    let limit: Int
    let minScore: Float?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        guard let query = try fields.text("query") else { throw VisageError(.invalidRequest, "query is required: the words to search for") }
        self.query = query
        (limit, minScore) = try SearchLimits.read(fields)
    }
}

/// `POST /search/similar`: the example is a stored image (`image_id`) or a sent one (any image
/// field); both may be given, and the stored embedding wins when there is one (the seed sends
/// `image_id` and `image_path` together). The example itself is never among the results.
struct SimilarSearchBody: ImageRequestBody {
    let imageID: String?
    let image: ImageInput?
    let limit: Int
    let minScore: Float?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        imageID = try fields.text("image_id").map { try TextField.imageID($0) }
        let field = try ImageField(from: decoder)
        image = field.isEmpty ? nil : try field.single()
        guard imageID != nil || image != nil else {
            throw VisageError(
                .invalidRequest,
                "the request needs an example: the image_id of an encoded image, or an image (image_path, image_url, image_base64 or a file)")
        }
        (limit, minScore) = try SearchLimits.read(fields)
    }
}

/// `limit` (1...1000, default 10) and `min_score` (-1...1, optional) of both searches.
enum SearchLimits {
    static func read(_ fields: KeyedDecodingContainer<FieldKey>) throws -> (Int, Float?) {
        let limit = try fields.integer("limit") ?? 10
        guard (1...ImageSearchService.maxLimit).contains(limit) else {
            throw VisageError(.invalidRequest, "limit must be from 1 to \(ImageSearchService.maxLimit)")
        }
        let minScore = try fields.number("min_score")
        if let minScore, !(-1...1).contains(minScore) { throw VisageError(.invalidRequest, "min_score must be from -1 to 1") }
        return (limit, minScore.map(Float.init))
    }
}
