import Foundation
import VisageCore
import VisageReferences

/// The rules every review body shares: paths bounded and free of control characters, a batch of
/// 1 to `maxBatch` paths.
enum ReviewFields {
    static let maxBatch = 1000

    @discardableResult
    static func path(_ value: String, field: String) throws -> String {
        try TextField.checked(value, field: field, maxLength: TextField.maxFileLength)
    }

    static func destination(_ value: String?) throws -> String {
        try TextField.checked(value ?? "", field: "destination", maxLength: TextField.maxFileLength)
    }

    static func paths(_ values: [String]) throws -> [String] {
        guard (1...maxBatch).contains(values.count) else {
            throw VisageError(.invalidRequest, "file_paths must hold 1 to \(maxBatch) paths, not \(values.count)")
        }
        return try values.enumerated().map { try path($1, field: "file_paths[\($0)]") }
    }
}

/// `POST /api/review/keep`: `destination` is a folder relative to `destination_path` (empty or
/// absent: `destination_path` itself).
struct ReviewKeepBody: ValidatedBody {
    let filePath: String
    let destination: String?

    enum CodingKeys: String, CodingKey { case filePath = "file_path", destination }

    func validate() throws {
        try ReviewFields.path(filePath, field: "file_path")
        _ = try ReviewFields.destination(destination)
    }
}

/// `DELETE /api/review/delete`.
struct ReviewDeleteBody: ValidatedBody {
    let filePath: String

    enum CodingKeys: String, CodingKey { case filePath = "file_path" }

    func validate() throws { try ReviewFields.path(filePath, field: "file_path") }
}

/// `POST /api/review/restore`: a file in the trash, as `DELETE /api/review/delete` answered it.
struct ReviewRestoreBody: ValidatedBody {
    let trashPath: String

    enum CodingKeys: String, CodingKey { case trashPath = "trash_path" }

    func validate() throws { try ReviewFields.path(trashPath, field: "trash_path") }
}

/// `POST /api/review/add-reference`: `face_index` or `bbox` choose a face of a group photo, as
/// in `POST /references`.
struct ReviewAddReferenceBody: ValidatedBody {
    let filePath: String
    let personName: String
    let destination: String?
    let faceIndex: Int?
    let bbox: [Double]?

    enum CodingKeys: String, CodingKey {
        case filePath = "file_path", personName = "person_name", destination, faceIndex = "face_index", bbox
    }

    func validate() throws {
        try ReviewFields.path(filePath, field: "file_path")
        try TextField.name(personName, field: "person_name")
        _ = try ReviewFields.destination(destination)
        _ = try choice()
    }

    func choice() throws -> ReferenceFaceChoice {
        if faceIndex != nil, bbox != nil { throw VisageError(.invalidRequest, "give face_index or bbox, not both") }
        if let faceIndex {
            guard faceIndex >= 0 else { throw VisageError(.invalidRequest, "face_index must be 0 or more") }
            return .index(faceIndex)
        }
        if let bbox {
            guard bbox.count == 4, bbox.allSatisfy(\.isFinite), bbox[2] > 0, bbox[3] > 0 else {
                throw VisageError(.invalidRequest, "bbox must be [x, y, width, height] with a positive width and height")
            }
            return .box(BoundingBox(x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3]))
        }
        return .prominent
    }
}

/// The batch forms: `file_paths` (1 to 1000), and what the single form takes besides its path.
struct ReviewBatchBody: ValidatedBody {
    let filePaths: [String]
    let destination: String?
    let personName: String?

    enum CodingKeys: String, CodingKey { case filePaths = "file_paths", destination, personName = "person_name" }

    func validate() throws {
        _ = try ReviewFields.paths(filePaths)
        _ = try ReviewFields.destination(destination)
        if let personName { try TextField.name(personName, field: "person_name") }
    }

    func requiredPersonName() throws -> String {
        guard let personName else { throw VisageError(.invalidRequest, "person_name is required: whose face these are") }
        return personName
    }
}
