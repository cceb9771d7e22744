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
