import Foundation
import GRDB

/// One line of the audit log: what was done, when, and its details as JSON.
public struct AuditEntry: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"

    public internal(set) var id: Int64
    public internal(set) var at: Date
    public internal(set) var action: String
    /// A JSON document, keys sorted; nil when the action has no details.
    public internal(set) var detail: String?

    enum CodingKeys: String, CodingKey {
        case id, at, action, detail
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
    }
}
