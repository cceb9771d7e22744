import Foundation
import VisageCore
import VisageInput

/// The JSON bodies of the people endpoints (seed 000), decoded with `Request.decodeJSON`, which
/// runs each one's `validate()`: names and ids within `TextField`'s limits.

struct NameClusterBody: ValidatedBody {
    let name: String
    func validate() throws { try TextField.name(name) }
}

struct RenameBody: ValidatedBody {
    let oldName: String
    let newName: String
    enum CodingKeys: String, CodingKey { case oldName = "old_name", newName = "new_name" }

    func validate() throws {
        try TextField.name(oldName, field: "old_name")
        try TextField.name(newName, field: "new_name")
    }
}

struct CorrectBody: ValidatedBody {
    let imageID: String
    let personName: String
    let faceID: Int64?
    enum CodingKeys: String, CodingKey { case imageID = "image_id", personName = "person_name", faceID = "face_id" }

    func validate() throws {
        try TextField.imageID(imageID)
        try TextField.name(personName, field: "person_name")
    }
}

struct MergeBody: ValidatedBody {
    let sourceClusterID: String
    let targetClusterID: String
    enum CodingKeys: String, CodingKey { case sourceClusterID = "source_cluster_id", targetClusterID = "target_cluster_id" }

    func validate() throws {
        try TextField.clusterID(sourceClusterID, field: "source_cluster_id")
        try TextField.clusterID(targetClusterID, field: "target_cluster_id")
    }
}

struct SplitBody: ValidatedBody {
    let faceIDs: [Int64]
    let name: String?
    enum CodingKeys: String, CodingKey { case faceIDs = "face_ids", name }

    func validate() throws {
        if let name { try TextField.name(name) }
    }
}

/// `POST /faces/suggestions/reject`: the cluster and the suggested name that is wrong for it.
struct RejectSuggestionBody: ValidatedBody {
    let clusterID: String
    let name: String
    enum CodingKeys: String, CodingKey { case clusterID = "cluster_id", name }

    func validate() throws {
        try TextField.clusterID(clusterID)
        guard !clusterID.isEmpty else { throw VisageError(.invalidRequest, "cluster_id is required") }
        try TextField.name(name)
    }
}

/// The body of `POST /faces/search`: the query image in any form (`ImageField`), `top_k`
/// (1-100, default 10) and `min_similarity` (-1 to 1; nil takes the model's calibrated
/// same-person similarity).
struct FaceSearchBody: ImageRequestBody {
    static let maxTopK = 100

    let image: ImageInput
    let topK: Int
    let minSimilarity: Double?

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: FieldKey.self)
        topK = try fields.integer("top_k") ?? 10
        guard (1...Self.maxTopK).contains(topK) else { throw VisageError(.invalidRequest, "top_k must be from 1 to \(Self.maxTopK)") }
        minSimilarity = try fields.number("min_similarity")
        if let minSimilarity, !(-1...1).contains(minSimilarity) {
            throw VisageError(.invalidRequest, "min_similarity must be from -1 to 1")
        }
        image = try ImageField(from: decoder).single()
    }
}

/// The query parameters of the people routes.
enum PeopleParameters {
    /// `limit` of `GET /faces/clusters/{id}/similar`: a whole number from 1 to 100, default 20.
    static func similarLimit(_ value: Double?) throws -> Int {
        guard let value else { return 20 }
        let limit = try NumberField.integer(value, name: "limit", in: 1...100, message: "limit must be a whole number from 1 to 100")
        guard Double(limit) == value else { throw VisageError(.invalidRequest, "limit must be a whole number from 1 to 100") }
        return limit
    }

    /// Whether an `If-None-Match` header's entity tags name `etag` (weak comparison, as RFC 9110
    /// asks for this header; `*` names any).
    static func matches(ifNoneMatch values: [String], etag: String) -> Bool {
        for value in values {
            for tag in value.split(separator: ",") {
                var tag = tag.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag { return true }
            }
        }
        return false
    }
}
