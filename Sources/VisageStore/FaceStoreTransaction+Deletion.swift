import GRDB

extension FaceStoreTransaction {
    /// Deletes the face and its constraints and updates its cluster. Returns false when there was
    /// no such face.
    @discardableResult
    public func deleteFace(id: Int64) throws -> Bool {
        guard let face = try face(id: id) else { return false }
        try face.delete(db)
        if let clusterID = face.clusterID { try recomputeCluster(id: clusterID) }
        return true
    }

    /// Deletes the image and its faces (and their constraints), and updates their clusters.
    /// Returns the ids of the deleted faces, to remove from vector indexes; empty when the image
    /// was unknown.
    @discardableResult
    public func deleteImage(imageID: String) throws -> [Int64] {
        guard let image = try image(imageID: imageID) else { return [] }
        let faces = try faces(imageRowID: image.id)
        try image.delete(db)  // the faces go with it (ON DELETE CASCADE)
        for clusterID in Set(faces.compactMap(\.clusterID)).sorted() { try recomputeCluster(id: clusterID) }
        return faces.map(\.id)
    }
}
