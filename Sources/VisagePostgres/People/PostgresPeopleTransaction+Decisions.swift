import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

// The user's decisions and the audit log.
extension PostgresPeopleTransaction {
    @discardableResult
    func addConstraint(_ kind: ConstraintKind, faceID: Int64, target: ConstraintTarget) throws -> FaceConstraint {
        _ = try existingFaces([faceID])
        let target = try target.checked(for: faceID)
        switch target {
        case .face(let other): _ = try existingFaces([other])
        case .cluster(let clusterID): _ = try existingCluster(clusterID)
        case .person: break
        }
        // The latest decision wins: the opposite one about the same target goes.
        try session.execute(Self.about(target, of: faceID, kind: kind.opposite, "DELETE FROM face_constraint"))
        let select = "SELECT \(PeopleRows.constraintColumns) FROM face_constraint"
        if let existing = try PeopleRows.constraints(session.rows(Self.about(target, of: faceID, kind: kind, select))).first {
            return existing
        }
        var other: Int64?, clusterID: String?, personName: String?
        switch target {
        case .face(let id): other = id
        case .cluster(let id): clusterID = id
        case .person(let name): personName = name
        }
        let added = try PeopleRows.constraints(
            session.rows(
                """
                INSERT INTO face_constraint (kind, face_id, other_face_id, cluster_id, person_name, created_at)
                VALUES (\(kind.rawValue), \(faceID), \(other), \(clusterID), \(personName), \(Date()))
                RETURNING \(unescaped: PeopleRows.constraintColumns)
                """))
        guard let constraint = added.first else { throw VisageError(.storeFailed, "PostgreSQL returned no new constraint") }
        return constraint
    }

    /// `statement` (a DELETE or SELECT on `face_constraint`) limited to the face's decisions of
    /// `kind` about `target`; face-to-face decisions are symmetric.
    private static func about(_ target: ConstraintTarget, of faceID: Int64, kind: ConstraintKind, _ statement: String) -> PostgresQuery {
        switch target {
        case .face(let other):
            return """
                \(unescaped: statement) WHERE kind = \(kind.rawValue)
                AND ((face_id = \(faceID) AND other_face_id = \(other)) OR (face_id = \(other) AND other_face_id = \(faceID)))
                """
        case .cluster(let clusterID):
            return "\(unescaped: statement) WHERE kind = \(kind.rawValue) AND face_id = \(faceID) AND cluster_id = \(clusterID)"
        case .person(let name):
            return "\(unescaped: statement) WHERE kind = \(kind.rawValue) AND face_id = \(faceID) AND person_name = \(name)"
        }
    }

    func constraints(forFace faceID: Int64) throws -> [FaceConstraint] {
        try PeopleRows.constraints(
            session.rows(
                """
                SELECT \(unescaped: PeopleRows.constraintColumns) FROM face_constraint
                WHERE face_id = \(faceID) OR other_face_id = \(faceID) ORDER BY id
                """))
    }

    func cannotLinkConstraints() throws -> [FaceConstraint] {
        try PeopleRows.constraints(
            session.rows(
                "SELECT \(unescaped: PeopleRows.constraintColumns) FROM face_constraint WHERE kind = 'cannot_link' ORDER BY id"))
    }

    @discardableResult
    func removeConstraint(id: Int64) throws -> Bool {
        try session.execute("DELETE FROM face_constraint WHERE id = \(id)") > 0
    }

    @discardableResult
    func appendAudit(action: String, detailJSON: String?) throws -> AuditEntry {
        let at = Date()
        let ids = try session.fetch(
            "INSERT INTO audit (at, action, detail) VALUES (\(at), \(action), \(detailJSON)) RETURNING id", as: Int64.self)
        guard let id = ids.first else { throw VisageError(.storeFailed, "PostgreSQL returned no id for an audit entry") }
        return AuditEntry(id: id, at: at, action: action, detail: detailJSON)
    }

    func recentAudit(limit: Int) throws -> [AuditEntry] {
        try session.fetch(
            "SELECT id, at, action, detail FROM audit ORDER BY id DESC LIMIT \(max(0, limit))", as: (Int64, Date, String, String?).self
        ).map { AuditEntry(id: $0.0, at: $0.1, action: $0.2, detail: $0.3) }
    }
}
