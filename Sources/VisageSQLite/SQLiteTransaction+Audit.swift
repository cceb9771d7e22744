import Foundation
import GRDB
import VisageStorage

extension SQLiteTransaction {
    @discardableResult
    func appendAudit(action: String, detailJSON: String?) throws -> AuditEntry {
        var row = AuditRow(AuditEntry(id: 0, at: Date(), action: action, detail: detailJSON))
        row.id = try row.insertAssigningID(db)
        return row.value
    }

    func recentAudit(limit: Int) throws -> [AuditEntry] {
        try AuditRow.order(AuditRow.SQLColumns.id.desc).limit(limit).fetchAll(db).map(\.value)
    }
}
