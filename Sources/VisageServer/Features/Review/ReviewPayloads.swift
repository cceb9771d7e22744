import Foundation
import VisageCore
import VisageReferences
import VisageRouting

/// An error inside a 200 answer (a review item that can't be analysed, a batch item that failed).
struct ErrorDetailPayload: Encodable {
    let code: String
    let message: String

    init(_ error: VisageError) {
        code = error.code
        message = error.message
    }
}

/// One file of `GET /api/review/list`.
struct ReviewItemPayload: Encodable {
    let item: ReviewItem
    let analysis: ReviewAnalysis

    enum CodingKeys: String, CodingKey {
        case filePath = "file_path", fileName = "file_name", size, addedAt = "added_at", mediaType = "media_type", faces
        case faceCount = "face_count", thumbnailURL = "thumbnail_url", error
    }

    /// Query-safe: everything but unreserved ASCII and `/` is percent-encoded.
    static let queryAllowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item.path, forKey: .filePath)
        try container.encode(item.name, forKey: .fileName)
        try container.encode(item.size, forKey: .size)
        try container.encode(item.modified.formatted(Date.ISO8601FormatStyle()), forKey: .addedAt)
        try container.encode(analysis.mediaType.rawValue, forKey: .mediaType)
        try container.encode(analysis.faces.map(CheckPayload.Face.init), forKey: .faces)
        try container.encode(analysis.faces.count, forKey: .faceCount)
        let encoded = item.path.addingPercentEncoding(withAllowedCharacters: Self.queryAllowed) ?? ""
        try container.encode("/api/review/thumbnail?file_path=" + encoded, forKey: .thumbnailURL)
        try container.encode(analysis.error.map(ErrorDetailPayload.init), forKey: .error)
    }
}

struct ReviewListPayload: Encodable {
    let items: [ReviewItemPayload]
    let total: Int
    let limit: Int
    let offset: Int
}

/// A file moved by keep, delete or restore.
struct ReviewMovedPayload: Encodable {
    var filePath: String? = nil
    var trashPath: String? = nil
    let movedTo: String

    enum CodingKeys: String, CodingKey { case filePath = "file_path", trashPath = "trash_path", movedTo = "moved_to" }
}

/// `POST /api/review/add-reference`: the new reference and where the file went.
struct ReviewReferencePayload: Encodable {
    let filePath: String
    let movedTo: String
    let reference: ReferencePayload
    let referenceID: Int64

    enum CodingKeys: String, CodingKey { case filePath = "file_path", movedTo = "moved_to", reference, referenceID = "reference_id" }
}

/// The batch forms: one result per path, in order; 200 however many failed.
struct ReviewBatchPayload: Encodable {
    struct Result: Encodable {
        let filePath: String
        var movedTo: String? = nil
        var referenceID: Int64? = nil
        var error: ErrorDetailPayload? = nil

        enum CodingKeys: String, CodingKey { case filePath = "file_path", ok, movedTo = "moved_to", referenceID = "reference_id", error }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(filePath, forKey: .filePath)
            try container.encode(error == nil, forKey: .ok)
            try container.encodeIfPresent(movedTo, forKey: .movedTo)
            try container.encodeIfPresent(referenceID, forKey: .referenceID)
            try container.encodeIfPresent(error, forKey: .error)
        }
    }

    let results: [Result]
    var succeeded: Int { results.filter { $0.error == nil }.count }
    var failed: Int { results.count - succeeded }

    enum CodingKeys: String, CodingKey { case results, succeeded, failed }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(results, forKey: .results)
        try container.encode(succeeded, forKey: .succeeded)
        try container.encode(failed, forKey: .failed)
    }
}
