import Foundation
import GRDB
import VisageCore

extension FaceStoreTransaction {
    /// Records a user's decision about a face. The latest decision wins: adding one removes the
    /// opposite decision about the same face and target, and adding one that already exists
    /// returns the existing one. Face-to-face constraints are symmetric.
    ///
    /// "Not this person" is `addConstraint(.cannotLink, faceID: face, target: .person(name))`.
    @discardableResult
    public func addConstraint(_ kind: ConstraintKind, faceID: Int64, target: ConstraintTarget) throws -> FaceConstraint {
        _ = try existingFaces([faceID])
        var target = target
        switch target {
        case .face(let other):
            guard other != faceID else {
                throw VisageError(.invalidConstraint, "a face can't be linked to itself")
            }
            _ = try existingFaces([other])
        case .cluster(let clusterID):
            _ = try existingCluster(clusterID)
        case .person(let name):
            target = .person(try StoreErrors.validName(name))
        }
        let sameTarget = Self.constraints(on: faceID, target: target)
        try sameTarget.filter(FaceConstraint.SQLColumns.kind == kind.opposite).deleteAll(db)
        if let existing = try sameTarget.filter(FaceConstraint.SQLColumns.kind == kind).fetchOne(db) {
            return existing
        }
        var constraint = FaceConstraint(kind: kind, faceID: faceID, target: target, at: Date())
        constraint.id = try constraint.insertAssigningID(db)
        return constraint
    }

    /// Constraints that mention the face, on either side, oldest first.
    public func constraints(forFace faceID: Int64) throws -> [FaceConstraint] {
        try FaceConstraint
            .filter(FaceConstraint.SQLColumns.faceID == faceID || FaceConstraint.SQLColumns.otherFaceID == faceID)
            .order(FaceConstraint.SQLColumns.id)
            .fetchAll(db)
    }

    /// Undoes a decision. Returns false when there was no such constraint.
    @discardableResult
    public func removeConstraint(id: Int64) throws -> Bool {
        try FaceConstraint.deleteOne(db, key: id)
    }

    private static func constraints(on faceID: Int64, target: ConstraintTarget) -> QueryInterfaceRequest<FaceConstraint> {
        let face = FaceConstraint.SQLColumns.faceID, other = FaceConstraint.SQLColumns.otherFaceID
        switch target {
        case .face(let otherID):
            return FaceConstraint.filter((face == faceID && other == otherID) || (face == otherID && other == faceID))
        case .cluster(let clusterID):
            return FaceConstraint.filter(face == faceID && FaceConstraint.SQLColumns.clusterID == clusterID)
        case .person(let name):
            return FaceConstraint.filter(face == faceID && FaceConstraint.SQLColumns.personName == name)
        }
    }
}
