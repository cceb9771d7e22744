import Foundation
import GRDB
import VisageCore
import VisageStorage

extension SQLiteTransaction {
    @discardableResult
    func addConstraint(_ kind: ConstraintKind, faceID: Int64, target: ConstraintTarget) throws -> FaceConstraint {
        _ = try existingFaces([faceID])
        let target = try target.checked(for: faceID)
        switch target {
        case .face(let other): _ = try existingFaces([other])
        case .cluster(let clusterID): _ = try existingCluster(clusterID)
        case .person: break
        }
        let sameTarget = Self.constraints(on: faceID, target: target)
        try sameTarget.filter(ConstraintRow.SQLColumns.kind == kind.opposite.rawValue).deleteAll(db)
        if let existing = try sameTarget.filter(ConstraintRow.SQLColumns.kind == kind.rawValue).fetchOne(db) {
            return try existing.value
        }
        var row = ConstraintRow(kind: kind, faceID: faceID, target: target, at: Date())
        row.id = try row.insertAssigningID(db)
        return try row.value
    }

    func constraints(forFace faceID: Int64) throws -> [FaceConstraint] {
        try ConstraintRow
            .filter(ConstraintRow.SQLColumns.faceID == faceID || ConstraintRow.SQLColumns.otherFaceID == faceID)
            .order(ConstraintRow.SQLColumns.id)
            .fetchAll(db).map { try $0.value }
    }

    func cannotLinkConstraints() throws -> [FaceConstraint] {
        try ConstraintRow.filter(ConstraintRow.SQLColumns.kind == ConstraintKind.cannotLink.rawValue)
            .order(ConstraintRow.SQLColumns.id).fetchAll(db).map { try $0.value }
    }

    @discardableResult
    func removeConstraint(id: Int64) throws -> Bool {
        try ConstraintRow.deleteOne(db, key: id)
    }

    private static func constraints(on faceID: Int64, target: ConstraintTarget) -> QueryInterfaceRequest<ConstraintRow> {
        let face = ConstraintRow.SQLColumns.faceID, other = ConstraintRow.SQLColumns.otherFaceID
        switch target {
        case .face(let otherID):
            return ConstraintRow.filter((face == faceID && other == otherID) || (face == otherID && other == faceID))
        case .cluster(let clusterID):
            return ConstraintRow.filter(face == faceID && ConstraintRow.SQLColumns.clusterID == clusterID)
        case .person(let name):
            return ConstraintRow.filter(face == faceID && ConstraintRow.SQLColumns.personName == name)
        }
    }
}
