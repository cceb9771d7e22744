import VisageInput

/// The body of `POST /faces/detect`: one image in any form, and `embeddings` (default false).
struct DetectBody: ImageRequestBody {
    let image: ImageInput
    let embeddings: Bool

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        image = try ImageField(from: decoder).single()
        embeddings = try fields.flag("embeddings") ?? false
    }
}
