import Foundation
import GRDB
import VisageStorage

/// A row of the `audit` table; the store hands out `AuditEntry` values.
struct AuditRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit"

    var id: Int64
    var at: Date
    var action: String
    var detail: String?

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
    }

    init(_ entry: AuditEntry) {
        (id, at, action, detail) = (entry.id, entry.at, entry.action, entry.detail)
    }

    var value: AuditEntry { AuditEntry(id: id, at: at, action: action, detail: detail) }
}
