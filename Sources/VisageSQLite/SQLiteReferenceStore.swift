import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of the `reference_face` table; the store hands out `ReferenceFace` values.
private struct ReferenceRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "reference_face"

    var id: Int64?
    var personName: String
    var embedding: Data
    var embeddingModel: String
    var referenceImagePath: String?
    var boxX: Double?
    var boxY: Double?
    var boxWidth: Double?
    var boxHeight: Double?
    var sourceFaceID: Int64?
    var quality: Double?
    var isActive: Bool
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, embedding, quality
        case personName = "person_name", embeddingModel = "embedding_model", referenceImagePath = "reference_image_path"
        case boxX = "box_x", boxY = "box_y", boxWidth = "box_width", boxHeight = "box_height"
        case sourceFaceID = "source_face_id", isActive = "is_active", createdAt = "created_at", updatedAt = "updated_at"
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
        static let personName = Column(CodingKeys.personName)
        static let isActive = Column(CodingKeys.isActive)
    }

    init(_ new: NewReferenceFace, at date: Date) {
        (personName, embedding, embeddingModel) = (new.personName, EmbeddingBlob.encode(new.embedding), new.embeddingModel)
        (referenceImagePath, sourceFaceID, quality) = (new.referenceImagePath, new.sourceFaceID, new.quality)
        (boxX, boxY, boxWidth, boxHeight) = (new.box?.x, new.box?.y, new.box?.width, new.box?.height)
        (isActive, createdAt, updatedAt) = (true, date, date)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var value: ReferenceFace {
        var box: BoundingBox?
        if let boxX, let boxY, let boxWidth, let boxHeight { box = BoundingBox(x: boxX, y: boxY, width: boxWidth, height: boxHeight) }
        return ReferenceFace(
            id: id ?? 0, personName: personName, embedding: EmbeddingBlob.decode(embedding), embeddingModel: embeddingModel,
            referenceImagePath: referenceImagePath, box: box, sourceFaceID: sourceFaceID, quality: quality,
            isActive: isActive, createdAt: createdAt, updatedAt: updatedAt)
    }
}

/// A row of the `media_audit` table.
private struct MediaAuditRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "media_audit"

    var id: Int64?
    var at: Date
    var action: String
    var actor: String?
    var detail: String?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var value: MediaAuditEntry { MediaAuditEntry(id: id ?? 0, at: at, action: action, actor: actor, detail: detail) }

    static func append(_ action: String, actor: String?, detail: (some Encodable)?, in db: Database) throws -> MediaAuditEntry {
        var row = MediaAuditRow(at: Date(), action: action, actor: actor, detail: try AuditEntry.encodeDetail(detail))
        try row.insert(db)
        return row.value
    }
}

/// What a reference change writes to the audit trail.
private struct ReferenceAuditDetail: Encodable {
    let id: Int64
    let personName: String
    let isActive: Bool?

    enum CodingKeys: String, CodingKey { case id, personName = "person_name", isActive = "is_active" }
}

/// Reference faces live in the same file as the faces and keys: one data directory is one thing
/// to back up.
extension SQLiteFaceStore: ReferenceStore {
    public func addReferences(_ faces: [NewReferenceFace], actor: String?) throws -> [ReferenceFace] {
        try writeDatabase { db in
            let now = Date()
            return try faces.map { face in
                var row = ReferenceRow(face, at: now)
                try row.insert(db)
                let added = row.value
                _ = try MediaAuditRow.append(
                    "reference_add", actor: actor,
                    detail: ReferenceAuditDetail(id: added.id, personName: added.personName, isActive: nil), in: db)
                return added
            }
        }
    }

    public func references(personName: String?, activeOnly: Bool) throws -> [ReferenceFace] {
        try readDatabase { db in
            var request = ReferenceRow.order(ReferenceRow.SQLColumns.id)
            if let personName { request = request.filter(ReferenceRow.SQLColumns.personName == personName) }
            if activeOnly { request = request.filter(ReferenceRow.SQLColumns.isActive == true) }
            return try request.fetchAll(db).map(\.value)
        }
    }

    public func reference(id: Int64) throws -> ReferenceFace? {
        try readDatabase { db in try ReferenceRow.fetchOne(db, key: id)?.value }
    }

    public func setReferenceActive(id: Int64, _ active: Bool, actor: String?) throws -> ReferenceFace? {
        try writeDatabase { db in
            guard var row = try ReferenceRow.fetchOne(db, key: id) else { return nil }
            row.isActive = active
            // Never before creation, even if the clock stepped back (the CHECK would refuse it).
            row.updatedAt = max(Date(), row.createdAt)
            try row.update(db)
            _ = try MediaAuditRow.append(
                "reference_update", actor: actor, detail: ReferenceAuditDetail(id: id, personName: row.personName, isActive: active),
                in: db)
            return row.value
        }
    }

    public func deleteReference(id: Int64, actor: String?) throws -> Bool {
        try writeDatabase { db in
            guard let row = try ReferenceRow.fetchOne(db, key: id) else { return false }
            try row.delete(db)
            _ = try MediaAuditRow.append(
                "reference_delete", actor: actor, detail: ReferenceAuditDetail(id: id, personName: row.personName, isActive: nil),
                in: db)
            return true
        }
    }

    public func mediaAudit(limit: Int) throws -> [MediaAuditEntry] {
        try readDatabase { db in
            try MediaAuditRow.order(Column("id").desc).limit(limit).fetchAll(db).map(\.value)
        }
    }

    @discardableResult
    public func appendMediaAudit(action: String, actor: String?, detailJSON: String?) throws -> MediaAuditEntry {
        try writeDatabase { db in
            var row = MediaAuditRow(at: Date(), action: action, actor: actor, detail: detailJSON)
            try row.insert(db)
            return row.value
        }
    }
}
