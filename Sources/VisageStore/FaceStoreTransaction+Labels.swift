import GRDB

extension FaceStoreTransaction {
    /// Names one face (a user's "this is X"), or clears its name with nil. Returns the updated
    /// face. Clusters are not touched: a label is about the face, a cluster name about the group.
    @discardableResult
    public func setLabel(_ label: FaceLabel?, forFace faceID: Int64) throws -> StoredFace {
        guard var face = try face(id: faceID) else { throw StoreErrors.faceNotFound(faceID) }
        face.label = try label.map { FaceLabel(name: try StoreErrors.validName($0.name), source: $0.source) }
        try face.update(db)
        return face
    }
}
