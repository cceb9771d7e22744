import Foundation
import GRDB
import VisageCore
import VisageStorage

/// Move ownership on SQLite: the same contract as PostgreSQL's, for processes sharing one data
/// directory (`visage serve` beside `visage watch`). Leases are measured by SQLite's clock
/// (`now`, written in GRDB's date format so that dates compare as text), and each statement
/// runs under SQLite's one writer, so a claim reads and changes the move atomically.
extension SQLiteFaceStore {
    /// SQLite's clock, formatted as GRDB stores dates.
    static let databaseNow = "strftime('%Y-%m-%d %H:%M:%f', 'now')"

    /// Whether `owner` holds a live lease.
    static func isLive(_ owner: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM routing_owner WHERE id = ? AND expires_at > \(databaseNow))", arguments: [owner])
            ?? false
    }

    public func renewRoutingOwner(_ owner: RoutingOwner, lease: TimeInterval) throws {
        guard lease.isFinite, lease > 0 else { throw VisageError(.storeFailed, "a routing lease must be a positive number of seconds") }
        try writeDatabase { db in
            try db.execute(
                sql: """
                    INSERT INTO routing_owner (id, machine, pid, started_at, heartbeat_at, expires_at)
                    VALUES (?, ?, ?, \(Self.databaseNow), \(Self.databaseNow), strftime('%Y-%m-%d %H:%M:%f', 'now', ?))
                    ON CONFLICT(id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
                    """, arguments: [owner.id, owner.machine, owner.pid, String(format: "+%.3f seconds", lease)])
        }
    }

    public func removeRoutingOwner(id: String) throws {
        try writeDatabase { db in try db.execute(sql: "DELETE FROM routing_owner WHERE id = ?", arguments: [id]) }
    }

    public func routingOwners() throws -> [RoutingOwnerLease] {
        try readDatabase { db in
            try Row.fetchAll(
                db, sql: "SELECT id, machine, pid, expires_at, expires_at > \(Self.databaseNow) AS live FROM routing_owner ORDER BY id"
            ).map {
                RoutingOwnerLease(
                    owner: RoutingOwner(id: $0["id"], machine: $0["machine"], pid: $0["pid"]), expiresAt: $0["expires_at"], isLive: $0["live"])
            }
        }
    }

    public func orphanedMoves() throws -> [FileMove] {
        try readDatabase { db in
            try FileMoveRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM file_move WHERE state = 'planned' AND NOT EXISTS (
                        SELECT 1 FROM routing_owner WHERE routing_owner.id = file_move.owner AND expires_at > \(Self.databaseNow))
                    ORDER BY id
                    """
            ).map(\.value)
        }
    }

    public func claimMove(_ id: Int64, from previous: String?, to owner: String) throws -> Bool {
        try writeDatabase { db in
            guard try Self.isLive(owner, db) else { throw RoutingOwnershipErrors.lapsed(owner) }
            do {
                try db.execute(
                    sql: """
                        UPDATE file_move SET owner = ? WHERE id = ? AND state = 'planned' AND owner IS ? AND NOT EXISTS (
                            SELECT 1 FROM routing_owner WHERE routing_owner.id = file_move.owner AND expires_at > \(Self.databaseNow))
                        """, arguments: [owner, id, previous])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                // An ownerless move from before owners, of a source someone is moving now: it waits
                // until that move is finished.
                return false
            }
            return db.changesCount == 1
        }
    }
}
