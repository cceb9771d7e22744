import VisageCore
import VisageInput
import VisageReferences

/// The body of `POST /references`: `person_name`, and either one image in any form (with
/// `face_index` or `bbox` to choose a face of a group photo) or the `face_id` of a stored face.
struct AddReferenceBody: ImageRequestBody {
    enum Source {
        case image(ImageInput, ReferenceFaceChoice)
        case storedFace(Int64)
    }

    let personName: String
    let source: Source

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        guard let name = try fields.text("person_name") else {
            throw VisageError(.invalidRequest, "person_name is required: whose face this is")
        }
        personName = try TextField.name(name, field: "person_name")
        let images = try ImageField(from: decoder)
        if let faceID = try fields.integer("face_id") {
            guard images.isEmpty else { throw VisageError(.invalidRequest, "give an image or face_id, not both") }
            source = .storedFace(Int64(faceID))
            return
        }
        let faceIndex = try fields.integer("face_index")
        let box = try Self.box(fields)
        if faceIndex != nil, box != nil { throw VisageError(.invalidRequest, "give face_index or bbox, not both") }
        if let faceIndex, faceIndex < 0 { throw VisageError(.invalidRequest, "face_index must be 0 or more") }
        let choice: ReferenceFaceChoice = faceIndex.map { .index($0) } ?? box.map { .box($0) } ?? .prominent
        source = .image(try images.single(), choice)
    }

    /// `bbox` as `[x, y, width, height]` in the image's displayed pixels: a JSON array, or in a
    /// form the text `x,y,width,height`.
    private static func box(_ fields: KeyedDecodingContainer<FieldKey>) throws -> BoundingBox? {
        let key = FieldKey("bbox")
        guard fields.contains(key), (try? fields.decodeNil(forKey: key)) != true else { return nil }
        var numbers: [Double]? = try? fields.decode([Double].self, forKey: key)
        if numbers == nil, let text = try? fields.decode(String.self, forKey: key) {
            numbers = try text.split(separator: ",").map { try NumberField.double(String($0).trimmingCharacters(in: .whitespaces), name: "bbox") }
        }
        guard let numbers, numbers.count == 4, numbers.allSatisfy(\.isFinite), numbers[2] > 0, numbers[3] > 0 else {
            throw VisageError(.invalidRequest, "bbox must be [x, y, width, height] with a positive width and height")
        }
        return BoundingBox(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }
}

/// The body of `PATCH /references/{id}`.
struct UpdateReferenceBody: Decodable {
    let isActive: Bool

    enum CodingKeys: String, CodingKey { case isActive = "is_active" }
}

/// The body of `POST /check`: one image or video in any form (`file_path` is the seed's name
/// for `image_path`), `tolerance` (0 to 1, default 0.6) and `person_name`.
struct CheckBody: ImageRequestBody {
    let media: ImageInput
    let tolerance: Double
    let personName: String?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        let images = try ImageField(from: decoder)
        if let filePath = try fields.text("file_path") {
            guard images.isEmpty else { throw VisageError(.invalidRequest, "give file_path or one image field, not both") }
            media = .path(filePath)
        } else {
            media = try images.single()
        }
        let tolerance = try fields.number("tolerance") ?? ToleranceScale.samePersonTolerance
        guard (0...1).contains(tolerance) else { throw VisageError(.invalidRequest, "tolerance must be from 0 to 1") }
        self.tolerance = tolerance
        personName = try fields.text("person_name").map { try TextField.name($0, field: "person_name") }
    }
}
