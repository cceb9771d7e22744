import Foundation
import GRDB
import VisageStorage

/// A row of the `face_constraint` table; the store hands out `FaceConstraint` values. (The table
/// is not called `constraint`: that is an SQL keyword and would need quoting in every statement.)
struct ConstraintRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "face_constraint"

    var id: Int64
    /// A `ConstraintKind` raw value; the schema's CHECK keeps it to the known ones.
    var kind: String
    var faceID: Int64
    /// Exactly one of these three is set (a CHECK in the schema enforces it).
    var otherFaceID: Int64?
    var clusterID: String?
    var personName: String?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind
        case faceID = "face_id"
        case otherFaceID = "other_face_id"
        case clusterID = "cluster_id"
        case personName = "person_name"
        case createdAt = "created_at"
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
        static let kind = Column(CodingKeys.kind)
        static let faceID = Column(CodingKeys.faceID)
        static let otherFaceID = Column(CodingKeys.otherFaceID)
        static let clusterID = Column(CodingKeys.clusterID)
        static let personName = Column(CodingKeys.personName)
    }

    init(kind: ConstraintKind, faceID: Int64, target: ConstraintTarget, at date: Date) {
        id = 0
        self.kind = kind.rawValue
        self.faceID = faceID
        createdAt = date
        switch target {
        case .face(let other): otherFaceID = other
        case .cluster(let cluster): clusterID = cluster
        case .person(let name): personName = name
        }
    }

    var value: FaceConstraint {
        get throws {
            guard let kind = ConstraintKind(rawValue: kind) else {
                throw StoreErrors.corrupt("constraint \(id) has an unknown kind \"\(kind)\"")
            }
            return FaceConstraint(
                id: id, kind: kind, faceID: faceID,
                target: ConstraintTarget(otherFaceID: otherFaceID, clusterID: clusterID, personName: personName), createdAt: createdAt)
        }
    }
}
