import VisageCore
import VisageInput

/// The body of `POST /extract-faces` (seed 004): the seed's JSON `{"images": [{"image_url": ...} |
/// {"image_base64": ...}], "similarity_threshold", "min_face_size"}`, or a multipart form with
/// one file part per image and the two numbers as fields. The limits that depend on the server's
/// settings (how many images, the defaults) are the route's.
struct ExtractBody: ImageRequestBody {
    /// Uploaded files in order, then the JSON `images` entries; each stands or fails alone.
    let inputs: [Result<ImageInput, VisageError>]
    let similarityThreshold: Double?
    let minFaceSize: Double?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        let entries: [Entry]
        do {
            entries = try fields.decodeIfPresent([Entry].self, forKey: FieldKey("images")) ?? []
        } catch is DecodingError {
            throw VisageError(.invalidRequest, "images must be an array")
        }
        inputs = ImageField(uploadsOf: decoder).uploadInputs.map { .success($0) } + entries.map(\.input)
        similarityThreshold = try fields.number("similarity_threshold")
        minFaceSize = try fields.number("min_face_size")
    }

    /// One `images` entry. One that is not exactly one of `image_url` and `image_base64`, as a
    /// string, fails alone, like an image that won't load; it never fails the batch.
    struct Entry: Decodable {
        let input: Result<ImageInput, VisageError>

        init(from decoder: any Decoder) throws {
            let fields = try? decoder.container(keyedBy: FieldKey.self)
            let url = try? fields?.decodeIfPresent(String.self, forKey: FieldKey("image_url"))
            let base64 = try? fields?.decodeIfPresent(String.self, forKey: FieldKey("image_base64"))
            let given = ["image_url", "image_base64"].filter { fields?.contains(FieldKey($0)) == true }
            switch (url, base64) {
            case (let url?, nil) where given == ["image_url"]: input = .success(.url(url))
            case (nil, let base64?) where given == ["image_base64"]: input = .success(.base64(base64))
            default: input = .failure(VisageError(.invalidRequest, "each image needs exactly one of image_url and image_base64, as a string"))
            }
        }
    }
}
