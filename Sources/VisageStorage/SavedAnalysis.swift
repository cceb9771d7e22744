/// What `saveAnalysis` did, with what a caller needs to update a vector index: upsert every face
/// in `faces`, remove `removedFaceIDs`.
public struct SavedAnalysis: Sendable {
    public let image: StoredImage
    /// In the order of the faces passed in. A face found again keeps its old id, cluster, label
    /// and constraints.
    public let faces: [StoredFace]
    /// Old faces with no counterpart in the new analysis; they are deleted.
    public let removedFaceIDs: [Int64]
    /// Clusters whose members or embeddings changed; their counts and centroids were recomputed.
    public let updatedClusterIDs: [String]

    public init(image: StoredImage, faces: [StoredFace], removedFaceIDs: [Int64], updatedClusterIDs: [String]) {
        self.image = image
        self.faces = faces
        self.removedFaceIDs = removedFaceIDs
        self.updatedClusterIDs = updatedClusterIDs
    }
}
