import Foundation
import VisageCore
import VisageInput

/// The one piece every image-taking request type shares: the image forms a body can carry,
/// `image_url`, `image_base64`, `image_path` or uploaded files (multipart parts with a filename,
/// whatever their field name, in body order). Decoded with the rest of the body; which of them
/// a route accepts, and how many, is the route's rule (`single(allowPath:)`).
struct ImageField: Decodable {
    let url: String?
    let base64: String?
    let path: String?
    let uploads: [Upload]

    /// A multipart file part.
    struct Upload: Sendable {
        let field: String
        let filename: String
        let data: Data
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        url = try fields.text("image_url")
        base64 = try fields.text("image_base64")
        path = try fields.text("image_path")
        uploads = decoder.userInfo[RequestBodyReader.uploadsKey] as? [Upload] ?? []
    }

    /// Only the uploads, for a route whose other images come in its own shape (`/extract-faces`).
    init(uploadsOf decoder: any Decoder) {
        (url, base64, path) = (nil, nil, nil)
        uploads = decoder.userInfo[RequestBodyReader.uploadsKey] as? [Upload] ?? []
    }

    /// Whether the request carries no image at all.
    var isEmpty: Bool { url == nil && base64 == nil && path == nil && uploads.isEmpty }

    /// The uploads as inputs, named by their filenames.
    var uploadInputs: [ImageInput] {
        uploads.map { .bytes($0.data, filename: $0.filename) }
    }

    /// The request's one image: exactly one of `image_url`, `image_base64`, `image_path` or an
    /// uploaded file. `allowPath`: whether this endpoint reads server-side files at all.
    func single(allowPath: Bool = true) throws -> ImageInput {
        var inputs: [ImageInput] = []
        if let url { inputs.append(.url(url)) }
        if let base64 { inputs.append(.base64(base64)) }
        if allowPath, let path { inputs.append(.path(path)) }
        inputs += uploadInputs
        let accepted = allowPath ? "image_url, image_base64, image_path or an uploaded file" : "image_url, image_base64 or an uploaded file"
        guard inputs.count == 1 else {
            throw VisageError(
                .invalidRequest,
                inputs.isEmpty
                    ? "the request needs an image: \(accepted)"
                    : "the request has \(inputs.count) images; give exactly one of \(accepted)")
        }
        return inputs[0]
    }
}
