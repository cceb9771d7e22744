import VisageCore
import VisageInput

/// The body of `POST /facedb/images`: which collection, the caller's id of the image, the image
/// in any form, the `file` reference returned with matches, and `min_face_size`.
struct FaceDatabaseAddBody: ImageRequestBody {
    let collection: String
    let imageID: String
    let image: ImageInput
    let file: String
    /// Checked when given; nil takes the server's `MIN_FACE_SIZE`.
    let minFaceSize: Double?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        collection = try FaceDatabaseParameters.collection(try fields.text("collection"))
        guard let imageID = try fields.text("image_id"), !imageID.isEmpty else {
            throw VisageError(.invalidRequest, "image_id is required: the id your system knows the image by")
        }
        self.imageID = try TextField.imageID(imageID)
        image = try ImageField(from: decoder).single()
        // The default (an upload's filename, a URL) is held to the same limits as a given `file`.
        file = try TextField.checked(
            try fields.text("file") ?? FaceDatabaseParameters.defaultFile(image, imageID: imageID),
            field: "file", maxLength: TextField.maxFileLength)
        minFaceSize = try fields.number("min_face_size").map { try FieldRules.minFaceSize($0, default: 0) }
    }
}

/// The body of `POST /facedb/search`: which collection, at most one threshold, `top_k`,
/// `min_face_size`, and the query image in any form.
struct FaceDatabaseSearchBody: ImageRequestBody {
    let collection: String
    /// Cosine similarity; nil leaves the model's default.
    let minSimilarity: Float?
    let topK: Int
    let minFaceSize: Double?
    let image: ImageInput

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        collection = try FaceDatabaseParameters.collection(try fields.text("collection"))
        minSimilarity = try FaceDatabaseParameters.threshold(
            maxDistance: try fields.number("max_distance"),
            minSimilarity: try fields.number("min_similarity"))
        topK = try FaceDatabaseParameters.topK(try fields.integer("top_k"))
        minFaceSize = try fields.number("min_face_size").map { try FieldRules.minFaceSize($0, default: 0) }
        image = try ImageField(from: decoder).single()
    }
}
