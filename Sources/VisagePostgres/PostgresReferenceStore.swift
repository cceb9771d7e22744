import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Seed 003's reference faces in the shared database. Every change is one statement that reads
/// and writes its row (`RETURNING`), in one transaction with its audit line, so processes sharing
/// the database never act on a row another has just changed or removed. Times are the server's,
/// one clock for every process.
extension PostgresStore: ReferenceStore {
    public func addReferences(_ faces: [NewReferenceFace], actor: String?) throws -> [ReferenceFace] {
        guard !faces.isEmpty else { return [] }
        return try database.transaction { session in
            try faces.map { face in
                let added = try ReferenceRows.one(
                    session.rows(
                        """
                        INSERT INTO reference_face (
                            person_name, embedding, dimensions, embedding_model, reference_image_path,
                            box_x, box_y, box_width, box_height, source_face_id, quality, is_active, created_at, updated_at)
                        VALUES (
                            \(face.personName), \(face.embedding)::real[]::vector, \(face.embedding.count), \(face.embeddingModel),
                            \(face.referenceImagePath), \(face.box?.x), \(face.box?.y), \(face.box?.width), \(face.box?.height),
                            \(face.sourceFaceID), \(face.quality), true, now(), now())
                        RETURNING \(unescaped: ReferenceRows.columns)
                        """))
                guard let added else { throw VisageError(.storeFailed, "the PostgreSQL store returned no added reference") }
                try MediaAuditRows.append(
                    "reference_add", actor: actor, detail: ReferenceAuditDetail(id: added.id, personName: added.personName), in: session)
                return added
            }
        }
    }

    public func references(personName: String?, activeOnly: Bool) throws -> [ReferenceFace] {
        try database.withSession { session in
            try ReferenceRows.decode(
                session.rows(
                    """
                    SELECT \(unescaped: ReferenceRows.columns) FROM reference_face
                    WHERE (\(personName)::text IS NULL OR person_name = \(personName)) AND (is_active OR NOT \(activeOnly))
                    ORDER BY id
                    """))
        }
    }

    public func reference(id: Int64) throws -> ReferenceFace? {
        try database.withSession { session in
            try ReferenceRows.one(session.rows("SELECT \(unescaped: ReferenceRows.columns) FROM reference_face WHERE id = \(id)"))
        }
    }

    public func setReferenceActive(id: Int64, _ active: Bool, actor: String?) throws -> ReferenceFace? {
        try database.transaction { session in
            // Never before creation, even if the server's clock stepped back (the CHECK would refuse it).
            let updated = try ReferenceRows.one(
                session.rows(
                    """
                    UPDATE reference_face SET is_active = \(active), updated_at = greatest(created_at, now()) WHERE id = \(id)
                    RETURNING \(unescaped: ReferenceRows.columns)
                    """))
            guard let updated else { return nil }
            try MediaAuditRows.append(
                "reference_update", actor: actor,
                detail: ReferenceAuditDetail(id: id, personName: updated.personName, isActive: active), in: session)
            return updated
        }
    }

    public func deleteReference(id: Int64, actor: String?) throws -> Bool {
        try database.transaction { session in
            guard
                let personName = try session.fetch(
                    "DELETE FROM reference_face WHERE id = \(id) RETURNING person_name", as: String.self
                ).first
            else { return false }
            try MediaAuditRows.append(
                "reference_delete", actor: actor, detail: ReferenceAuditDetail(id: id, personName: personName), in: session)
            return true
        }
    }

    public func mediaAudit(limit: Int) throws -> [MediaAuditEntry] {
        try database.withSession { session in
            // PostgreSQL refuses a negative LIMIT; none asked for is none returned.
            try MediaAuditRows.decode(
                session.rows("SELECT id, at, action, actor, detail FROM media_audit ORDER BY id DESC LIMIT \(max(limit, 0))"))
        }
    }

    @discardableResult
    public func appendMediaAudit(action: String, actor: String?, detailJSON: String?) throws -> MediaAuditEntry {
        try database.transaction { session in try MediaAuditRows.append(action, actor: actor, detailJSON: detailJSON, in: session) }
    }
}

/// What a reference change writes to the audit trail (the same document as SQLite's).
private struct ReferenceAuditDetail: Encodable {
    let id: Int64
    let personName: String
    var isActive: Bool?

    enum CodingKeys: String, CodingKey { case id, personName = "person_name", isActive = "is_active" }
}

/// `reference_face` rows to `ReferenceFace`s.
private enum ReferenceRows {
    static let columns = """
        id, person_name, embedding::real[], embedding_model, reference_image_path, box_x, box_y, box_width, box_height,
        source_face_id, quality, is_active, created_at, updated_at
        """

    static func one(_ rows: [PostgresRow]) throws -> ReferenceFace? {
        try decode(rows).first
    }

    static func decode(_ rows: [PostgresRow]) throws -> [ReferenceFace] {
        try rows.map { row in
            let (id, name, embedding, model, path, x, y, width, height, sourceFaceID, quality, active, created, updated) =
                try PostgresSession.decode(
                    row,
                    as: (
                        Int64, String, [Float], String, String?, Double?, Double?, Double?, Double?, Int64?, Double?, Bool, Date, Date
                    ).self)
            var box: BoundingBox?
            if let x, let y, let width, let height { box = BoundingBox(x: x, y: y, width: width, height: height) }
            return ReferenceFace(
                id: id, personName: name, embedding: embedding, embeddingModel: model, referenceImagePath: path, box: box,
                sourceFaceID: sourceFaceID, quality: quality, isActive: active, createdAt: created, updatedAt: updated)
        }
    }
}
