import GRDB
import VisageStorage

extension SQLiteTransaction {
    @discardableResult
    func deleteFace(id: Int64) throws -> Bool {
        guard let face = try FaceRow.fetchOne(db, key: id) else { return false }
        try face.delete(db)
        if let clusterID = face.clusterID { try recomputeCluster(id: clusterID) }
        return true
    }

    @discardableResult
    func deleteImage(imageID: String) throws -> [Int64] {
        guard let image = try imageRow(imageID: imageID) else { return [] }
        let faces = try faceRows(imageRowID: image.id)
        try image.delete(db)  // the faces go with it (ON DELETE CASCADE)
        for clusterID in Set(faces.compactMap(\.clusterID)).sorted() { try recomputeCluster(id: clusterID) }
        return faces.map(\.id)
    }
}
