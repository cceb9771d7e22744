import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Move ownership in the shared database (issue 15): leases by the server's clock (`now()`),
/// so processes on machines whose clocks differ agree on which owner is gone. A claim is one
/// `UPDATE` that compares the owner it saw: of two recoverers, the second waits on the row
/// lock, re-reads the row, finds another owner and changes nothing.
extension PostgresStore {
    public func renewRoutingOwner(_ owner: RoutingOwner, lease: TimeInterval) throws {
        guard lease.isFinite, lease > 0 else { throw VisageError(.storeFailed, "a routing lease must be a positive number of seconds") }
        try database.withSession { session in
            try session.execute(
                """
                INSERT INTO routing_owner (id, machine, pid, started_at, heartbeat_at, expires_at)
                VALUES (\(owner.id), \(owner.machine), \(owner.pid), now(), now(), now() + \(lease) * interval '1 second')
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
                """)
        }
    }

    public func removeRoutingOwner(id: String) throws {
        try database.withSession { session in try session.execute("DELETE FROM routing_owner WHERE id = \(id)") }
    }

    public func routingOwners() throws -> [RoutingOwnerLease] {
        try database.withSession { session in
            try session.fetch(
                "SELECT id, machine, pid, expires_at, expires_at > now() FROM routing_owner ORDER BY id",
                as: (String, String?, Int32, Date, Bool).self
            ).map { RoutingOwnerLease(owner: RoutingOwner(id: $0.0, machine: $0.1, pid: $0.2), expiresAt: $0.3, isLive: $0.4) }
        }
    }

    public func orphanedMoves() throws -> [FileMove] {
        try database.withSession { session in
            try FileMoveRows.decode(
                session.rows(
                    """
                    SELECT \(unescaped: FileMoveRows.columns) FROM file_move WHERE state = 'planned' AND NOT EXISTS (
                        SELECT 1 FROM routing_owner WHERE routing_owner.id = file_move.owner AND expires_at > now())
                    ORDER BY id
                    """))
        }
    }

    public func claimMove(_ id: Int64, from previous: String?, to owner: String) throws -> Bool {
        let refusal = RoutingOwnershipErrors.inProgress("the source of move \(id)")
        do {
            let claimed = try database.withSession { session in
                try session.execute(
                    """
                    UPDATE file_move SET owner = \(owner)
                    WHERE id = \(id) AND state = 'planned' AND owner IS NOT DISTINCT FROM \(previous)
                        AND NOT EXISTS (SELECT 1 FROM routing_owner WHERE routing_owner.id = file_move.owner AND expires_at > now())
                        AND EXISTS (SELECT 1 FROM routing_owner WHERE routing_owner.id = \(owner) AND expires_at > now())
                    """, refusals: [PostgresErrors.uniqueViolation: refusal])
            }
            if claimed == 1 { return true }
        } catch let error as VisageError where error.code == refusal.code {
            // An ownerless move from before owners, of a source someone is moving now: it waits
            // until that move is finished.
            return false
        }
        // Nothing changed: lost the race, or this process's own lease lapsed.
        let live = try database.withSession { session in
            try session.fetch("SELECT EXISTS (SELECT 1 FROM routing_owner WHERE id = \(owner) AND expires_at > now())", as: Bool.self)
        }
        guard live.first == true else { throw RoutingOwnershipErrors.lapsed(owner) }
        return false
    }
}
