import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Seed 003's routing in the shared database: settings, the move journal and the routed files.
/// Finishing a move is a compare-and-set on its `planned` state, so when two processes recover
/// the same crash only one finishes each move (and writes its routing record and audit line);
/// the other is refused and learns that it lost.
extension PostgresStore: RoutingStore {
    static let faceRecognitionSettingKey = "face_recognition"

    public func routingSettings() throws -> FaceRoutingSettings {
        let json = try database.withSession { session in
            try session.fetch(
                "SELECT value FROM routing_setting WHERE key = \(Self.faceRecognitionSettingKey)", as: String.self
            ).first
        }
        guard let json else { return FaceRoutingSettings() }
        return try RoutingJSON.decode(FaceRoutingSettings.self, from: json)
    }

    public func saveRoutingSettings(_ settings: FaceRoutingSettings, actor: String?) throws {
        let json = try RoutingJSON.encode(settings)
        try database.transaction { session in
            try session.execute(
                """
                INSERT INTO routing_setting (key, value, updated_at) VALUES (\(Self.faceRecognitionSettingKey), \(json), now())
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
                """)
            try MediaAuditRows.append("settings_update", actor: actor, detailJSON: json, in: session)
        }
    }

    public func planMove(
        source: String, destination: String, contentHash: String, size: Int64, reason: String, routed: RoutedFile?,
        owner: String
    ) throws -> FileMove {
        let routedJSON = try routed.map { try RoutingJSON.encode($0) }
        // Planned only under a live lease; a second planned move of the source breaks the partial
        // unique index, however the two inserts interleave.
        let rows = try database.transaction { session in
            try session.rows(
                """
                INSERT INTO file_move (source, destination, content_hash, size, state, reason, routed, created_at, owner)
                SELECT \(source), \(destination), \(contentHash), \(size), \(FileMove.State.planned.rawValue), \(reason), \(routedJSON),
                    now(), \(owner)
                WHERE EXISTS (SELECT 1 FROM routing_owner WHERE id = \(owner) AND expires_at > now())
                RETURNING \(unescaped: FileMoveRows.columns)
                """, refusals: [PostgresErrors.uniqueViolation: RoutingOwnershipErrors.inProgress(source)])
        }
        guard let move = try FileMoveRows.decode(rows).first else { throw RoutingOwnershipErrors.lapsed(owner) }
        return move
    }

    public func finishMove(
        _ id: Int64, owner: String, state: FileMove.State, audit: (action: String, actor: String?, detailJSON: String?)?
    ) throws {
        try database.transaction { session in
            // Only a planned move of this owner finishes: the row lock the UPDATE takes makes a
            // racing finisher wait, then find the move finished (or taken over) and change nothing.
            let finished = try session.fetch(
                """
                UPDATE file_move SET state = \(state.rawValue), finished_at = greatest(created_at, now())
                WHERE id = \(id) AND state = \(FileMove.State.planned.rawValue) AND owner = \(owner)
                RETURNING routed
                """, as: String?.self)
            guard let routed = finished.first else { throw try Self.unfinishable(id, in: session) }
            if state == .done, let routed {
                try Self.record(try RoutingJSON.decode(RoutedFile.self, from: routed), in: session)
            }
            if let audit {
                try MediaAuditRows.append(audit.action, actor: audit.actor, detailJSON: audit.detailJSON, in: session)
            }
        }
    }

    public func unfinishedMoves() throws -> [FileMove] {
        try database.withSession { session in
            try FileMoveRows.decode(
                session.rows(
                    """
                    SELECT \(unescaped: FileMoveRows.columns) FROM file_move WHERE state = \(FileMove.State.planned.rawValue) ORDER BY id
                    """))
        }
    }

    public func routedFile(contentHash: String) throws -> RoutedFile? {
        try database.withSession { session in
            try session.fetch(
                """
                SELECT content_hash, original_path, routed_to, has_match, person_name, routed_at FROM routed_file
                WHERE content_hash = \(contentHash)
                """, as: (String, String, String, Bool, String?, Date).self
            ).first.map {
                RoutedFile(contentHash: $0.0, originalPath: $0.1, routedTo: $0.2, hasMatch: $0.3, personName: $0.4, routedAt: $0.5)
            }
        }
    }

    /// The routing record of a finished move; the latest routing of the same content replaces
    /// the earlier one, as SQLite's does.
    private static func record(_ file: RoutedFile, in session: PostgresSession) throws {
        try session.execute(
            """
            INSERT INTO routed_file (content_hash, original_path, routed_to, has_match, person_name, routed_at)
            VALUES (\(file.contentHash), \(file.originalPath), \(file.routedTo), \(file.hasMatch), \(file.personName), \(file.routedAt))
            ON CONFLICT (content_hash) DO UPDATE SET original_path = EXCLUDED.original_path, routed_to = EXCLUDED.routed_to,
                has_match = EXCLUDED.has_match, person_name = EXCLUDED.person_name, routed_at = EXCLUDED.routed_at
            """)
    }

    /// Why a move could not be finished: there is none, it is finished already, or it is
    /// another owner's.
    private static func unfinishable(_ id: Int64, in session: PostgresSession) throws -> VisageError {
        guard let state = try session.fetch("SELECT state FROM file_move WHERE id = \(id)", as: String.self).first else {
            return VisageError(.storeFailed, "the move journal has no move \(id)")
        }
        guard state == FileMove.State.planned.rawValue else { return VisageError(.storeFailed, "the move \(id) is \(state) already") }
        return RoutingOwnershipErrors.notOwned(id)
    }
}

/// `file_move` rows to `FileMove`s.
enum FileMoveRows {
    static let columns = "id, source, destination, content_hash, size, state, reason, routed, created_at, owner"

    static func decode(_ rows: [PostgresRow]) throws -> [FileMove] {
        try rows.map { row in
            let (id, source, destination, hash, size, state, reason, routed, created, owner) = try PostgresSession.decode(
                row, as: (Int64, String, String, String, Int64, String, String, String?, Date, String?).self)
            guard let state = FileMove.State(rawValue: state) else {
                throw VisageError(.storeCorrupt, "move \(id) of the PostgreSQL store has the unknown state \(state)")
            }
            return FileMove(
                id: id, source: source, destination: destination, contentHash: hash, size: size, state: state, reason: reason,
                routed: try routed.map { try RoutingJSON.decode(RoutedFile.self, from: $0) }, createdAt: created, owner: owner)
        }
    }
}

/// The JSON the routing tables keep (settings, a move's routing record), encoded as SQLite's
/// store does so the same documents mean the same in either database.
enum RoutingJSON {
    static func encode(_ value: some Encodable) throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw VisageError(.storeFailed, "a value could not be written to the PostgreSQL store: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw VisageError(.storeCorrupt, "a row of the PostgreSQL store could not be read: \(error)")
        }
    }
}
