import Foundation
import GRDB

extension FaceStoreTransaction {
    /// Appends to the audit log. `detail` is stored as JSON with sorted keys. Append it in the same
    /// transaction as the change it describes, so the log never claims a change that was rolled
    /// back.
    @discardableResult
    public func appendAudit(action: String, detail: (some Encodable)?) throws -> AuditEntry {
        let json = try detail.map { String(decoding: try Self.encoder.encode($0), as: UTF8.self) }
        var entry = AuditEntry(id: 0, at: Date(), action: action, detail: json)
        entry.id = try entry.insertAssigningID(db)
        return entry
    }

    @discardableResult
    public func appendAudit(action: String) throws -> AuditEntry {
        try appendAudit(action: action, detail: String?.none)
    }

    /// The latest entries, newest first.
    public func recentAudit(limit: Int) throws -> [AuditEntry] {
        try AuditEntry.order(AuditEntry.SQLColumns.id.desc).limit(limit).fetchAll(db)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
