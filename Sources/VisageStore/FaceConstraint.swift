import Foundation
import GRDB

/// A user's decision that clustering must respect.
public enum ConstraintKind: String, Sendable, Hashable, Codable, DatabaseValueConvertible {
    /// "Not this person": the face must not be grouped with the target.
    case cannotLink = "cannot_link"
    /// "This is the person": the face must be grouped with the target.
    case mustLink = "must_link"

    var opposite: ConstraintKind {
        self == .cannotLink ? .mustLink : .cannotLink
    }
}

/// What a constraint links a face to.
public enum ConstraintTarget: Sendable, Hashable {
    case face(Int64)
    case cluster(String)
    /// A person by name, whatever cluster they end up in.
    case person(String)
}

/// One row of the `face_constraint` table. (The table is not called `constraint`: that is an SQL
/// keyword and would need quoting in every statement.)
public struct FaceConstraint: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "face_constraint"

    public internal(set) var id: Int64
    public internal(set) var kind: ConstraintKind
    public internal(set) var faceID: Int64
    /// Exactly one of these three is set (a CHECK in the schema enforces it).
    var otherFaceID: Int64?
    var clusterID: String?
    var personName: String?
    public internal(set) var createdAt: Date

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

    public var target: ConstraintTarget {
        if let otherFaceID { return .face(otherFaceID) }
        if let clusterID { return .cluster(clusterID) }
        return .person(personName ?? "")
    }

    init(kind: ConstraintKind, faceID: Int64, target: ConstraintTarget, at date: Date) {
        self.id = 0
        self.kind = kind
        self.faceID = faceID
        self.createdAt = date
        switch target {
        case .face(let other): otherFaceID = other
        case .cluster(let cluster): clusterID = cluster
        case .person(let name): personName = name
        }
    }
}
