import GRDB
import VisageStorage

extension SQLiteTransaction {
    @discardableResult
    func setLabel(_ label: FaceLabel?, forFace faceID: Int64) throws -> StoredFace {
        guard let row = try FaceRow.fetchOne(db, key: faceID) else { throw StorageErrors.faceNotFound(faceID) }
        var face = try row.value
        face.label = try label.map { FaceLabel(name: try StorageErrors.validName($0.name), source: $0.source) }
        try FaceRow(face).update(db)
        return face
    }
}
