import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Seed 003's audit trail (`media_audit`): written inside the transaction of the change it
/// records, so a line exists exactly when its change committed.
enum MediaAuditRows {
    @discardableResult
    static func append(
        _ action: String, actor: String?, detail: (some Encodable)?, in session: PostgresSession
    ) throws
        -> MediaAuditEntry
    {
        let json: String?
        do {
            json = try AuditEntry.encodeDetail(detail)
        } catch {
            throw VisageError(.storeFailed, "an audit detail could not be written to the PostgreSQL store: \(error)")
        }
        return try append(action, actor: actor, detailJSON: json, in: session)
    }

    @discardableResult
    static func append(_ action: String, actor: String?, detailJSON: String?, in session: PostgresSession) throws -> MediaAuditEntry {
        let rows = try session.rows(
            """
            INSERT INTO media_audit (at, action, actor, detail) VALUES (now(), \(action), \(actor), \(detailJSON))
            RETURNING id, at, action, actor, detail
            """)
        guard let entry = try decode(rows).first else {
            throw VisageError(.storeFailed, "the PostgreSQL store returned no audit line")
        }
        return entry
    }

    static func decode(_ rows: [PostgresRow]) throws -> [MediaAuditEntry] {
        try rows.map { row in
            let (id, at, action, actor, detail) = try PostgresSession.decode(row, as: (Int64, Date, String, String?, String?).self)
            return MediaAuditEntry(id: id, at: at, action: action, actor: actor, detail: detail)
        }
    }
}
