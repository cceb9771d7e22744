/// The JSON bodies of the people endpoints (seed 000), decoded with `Request.decodeJSON`.

struct NameClusterBody: Decodable { let name: String }

struct RenameBody: Decodable {
    let oldName: String
    let newName: String
    enum CodingKeys: String, CodingKey { case oldName = "old_name", newName = "new_name" }
}

struct CorrectBody: Decodable {
    let imageID: String
    let personName: String
    let faceID: Int64?
    enum CodingKeys: String, CodingKey { case imageID = "image_id", personName = "person_name", faceID = "face_id" }
}

struct MergeBody: Decodable {
    let sourceClusterID: String
    let targetClusterID: String
    enum CodingKeys: String, CodingKey { case sourceClusterID = "source_cluster_id", targetClusterID = "target_cluster_id" }
}

struct SplitBody: Decodable {
    let faceIDs: [Int64]
    let name: String?
    enum CodingKeys: String, CodingKey { case faceIDs = "face_ids", name }
}
