import Foundation
import VisageCore
import VisageInput

/// `POST /images/caption`'s body (seed 000: `image_id`, `image_path`), JSON or a form. The image
/// may come in any of the forms the other image routes take (`image_path`, `image_url`,
/// `image_base64` or an uploaded file), exactly one.
struct CaptionBody: ImageRequestBody {
    let imageID: String
    /// Echoed as the seed's response does; nil when the image came another way.
    let imagePath: String?
    let image: ImageInput

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        guard let imageID = try fields.text("image_id") else {
            throw VisageError(.invalidRequest, "image_id is required: the caller's id of the image, echoed in the answer")
        }
        self.imageID = try TextField.imageID(imageID)
        let field = try ImageField(from: decoder)
        imagePath = try field.path.map { try TextField.checked($0, field: "image_path", maxLength: TextField.maxFileLength) }
        image = try field.single()
    }
}

/// The seed's caption response: the ids echoed, the description and the model that wrote it.
struct CaptionPayload: Encodable {
    let imageID: String
    let imagePath: String?
    let description: String
    let modelName: String

    enum CodingKeys: String, CodingKey {
        case imageID = "image_id", imagePath = "image_path", description
        case modelsUsed = "models_used"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(imageID, forKey: .imageID)
        try container.encode(imagePath, forKey: .imagePath)
        try container.encode(description, forKey: .description)
        try container.encode(["image_captioning": modelName], forKey: .modelsUsed)
    }
}
