import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of the `file_move` journal.
struct FileMoveRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "file_move"

    var id: Int64?
    var source: String
    var destination: String
    var contentHash: String
    var size: Int64
    var state: String
    var reason: String
    var routed: String?
    var createdAt: Date
    var finishedAt: Date?
    var owner: String?

    enum CodingKeys: String, CodingKey {
        case id, source, destination, size, state, reason, routed, owner
        case contentHash = "content_hash", createdAt = "created_at", finishedAt = "finished_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var value: FileMove {
        FileMove(
            id: id ?? 0, source: source, destination: destination, contentHash: contentHash, size: size,
            state: FileMove.State(rawValue: state) ?? .planned, reason: reason, routed: routedFile, createdAt: createdAt,
            owner: owner)
    }

    var routedFile: RoutedFile? {
        routed.flatMap { try? JSONDecoder().decode(RoutedFile.self, from: Data($0.utf8)) }
    }
}

/// A row of `routed_file`.
private struct RoutedFileRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "routed_file"

    var contentHash: String
    var originalPath: String
    var routedTo: String
    var hasMatch: Bool
    var personName: String?
    var routedAt: Date

    enum CodingKeys: String, CodingKey {
        case contentHash = "content_hash", originalPath = "original_path", routedTo = "routed_to", hasMatch = "has_match"
        case personName = "person_name", routedAt = "routed_at"
    }

    init(_ file: RoutedFile) {
        (contentHash, originalPath, routedTo, hasMatch) = (file.contentHash, file.originalPath, file.routedTo, file.hasMatch)
        (personName, routedAt) = (file.personName, file.routedAt)
    }

    var value: RoutedFile {
        RoutedFile(
            contentHash: contentHash, originalPath: originalPath, routedTo: routedTo, hasMatch: hasMatch, personName: personName,
            routedAt: routedAt)
    }
}

/// Routing lives in the same file as the faces and references: one data directory to back up,
/// and a move's journal row and its routing record commit together.
extension SQLiteFaceStore: RoutingStore {
    static let faceRecognitionSettingKey = "face_recognition"

    public func routingSettings() throws -> FaceRoutingSettings {
        try readDatabase { db in
            guard
                let json = try String.fetchOne(
                    db, sql: "SELECT value FROM routing_setting WHERE key = ?", arguments: [Self.faceRecognitionSettingKey])
            else { return FaceRoutingSettings() }
            return try JSONDecoder().decode(FaceRoutingSettings.self, from: Data(json.utf8))
        }
    }

    public func saveRoutingSettings(_ settings: FaceRoutingSettings, actor: String?) throws {
        let json = try String(decoding: JSONEncoder().encode(settings), as: UTF8.self)
        try writeDatabase { db in
            try db.execute(
                sql: """
                    INSERT INTO routing_setting (key, value, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, arguments: [Self.faceRecognitionSettingKey, json, Date()])
            try db.execute(
                sql: "INSERT INTO media_audit (at, action, actor, detail) VALUES (?, 'settings_update', ?, ?)",
                arguments: [Date(), actor, json])
        }
    }

    public func planMove(
        source: String, destination: String, contentHash: String, size: Int64, reason: String, routed: RoutedFile?,
        owner: String
    ) throws -> FileMove {
        let routedJSON = try routed.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try writeDatabase { db in
            // One writer at a time: the lease read here still holds when the row is inserted.
            guard try Self.isLive(owner, db) else { throw RoutingOwnershipErrors.lapsed(owner) }
            var row = FileMoveRow(
                source: source, destination: destination, contentHash: contentHash, size: size, state: FileMove.State.planned.rawValue,
                reason: reason, routed: routedJSON, createdAt: Date(), finishedAt: nil, owner: owner)
            do {
                try row.insert(db)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw RoutingOwnershipErrors.inProgress(source)
            }
            return row.value
        }
    }

    public func finishMove(
        _ id: Int64, owner: String, state: FileMove.State, audit: (action: String, actor: String?, detailJSON: String?)?
    ) throws {
        try writeDatabase { db in
            guard var row = try FileMoveRow.fetchOne(db, key: id) else {
                throw VisageError(.storeFailed, "the move journal has no move \(id)")
            }
            // A move finishes once: a second finish (another process recovering the same crash,
            // on a shared backend) would overwrite the first's outcome.
            guard row.state == FileMove.State.planned.rawValue else {
                throw VisageError(.storeFailed, "the move \(id) is \(row.state) already")
            }
            guard row.owner == owner else { throw RoutingOwnershipErrors.notOwned(id) }
            row.state = state.rawValue
            row.finishedAt = max(Date(), row.createdAt)
            try row.update(db)
            if state == .done, let routed = row.routedFile { try RoutedFileRow(routed).save(db) }
            if let audit {
                try db.execute(
                    sql: "INSERT INTO media_audit (at, action, actor, detail) VALUES (?, ?, ?, ?)",
                    arguments: [Date(), audit.action, audit.actor, audit.detailJSON])
            }
        }
    }

    public func unfinishedMoves() throws -> [FileMove] {
        try readDatabase { db in
            try FileMoveRow.filter(Column("state") == FileMove.State.planned.rawValue).order(Column("id")).fetchAll(db).map(\.value)
        }
    }

    public func routedFile(contentHash: String) throws -> RoutedFile? {
        try readDatabase { db in try RoutedFileRow.fetchOne(db, key: contentHash)?.value }
    }
}
