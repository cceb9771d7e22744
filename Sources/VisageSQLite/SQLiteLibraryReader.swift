import Foundation
import GRDB
import VisageCore
import VisageStorage

/// The source side of `visage migrate`: a Visage SQLite library, read table by table from one
/// snapshot, in batches, as neutral `LibraryValue` rows.
public final class SQLiteLibraryReader {
    private let store: SQLiteFaceStore

    /// Opens the library at `path` (brought up to date like any command's open would), after
    /// checking, read-only, that it is a Visage database: a missing file is never created and a
    /// foreign one never migrated. Both are `migration_source_invalid`.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw VisageError(.migrationSourceInvalid, "no SQLite library at \(path)")
        }
        try Self.checkIsVisage(path)
        store = try SQLiteFaceStore(path: path)
    }

    private static func checkIsVisage(_ path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let applied: Bool
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            applied = try queue.read { db in
                try db.tableExists("grdb_migrations")
                    && (Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM grdb_migrations WHERE identifier = 'v1')") ?? false)
            }
        } catch {
            throw VisageError(.migrationSourceInvalid, "\(path) is not a SQLite database: \(error)")
        }
        guard applied else { throw VisageError(.migrationSourceInvalid, "\(path) is not a Visage library") }
    }

    /// Runs `body` on one read transaction: everything it reads is one consistent snapshot, even
    /// while a `visage serve` writes to the file.
    public func read<T>(_ body: (SQLiteLibrarySnapshot) throws -> T) throws -> T {
        try StoreErrors.mapping { try store.writer.read { db in try body(SQLiteLibrarySnapshot(db: db)) } }
    }
}

/// One snapshot of the library, valid inside `SQLiteLibraryReader.read`.
public struct SQLiteLibrarySnapshot {
    let db: Database

    /// Columns not stored as such on SQLite: a collection face's collection is its image's.
    private static let derived = [
        "collection_face": ["collection": "(SELECT collection FROM collection_image i WHERE i.id = collection_face.image_row_id)"]
    ]

    public func count(_ table: LibraryTable) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0
    }

    /// File moves a crash left half done (`visage route` with no arguments finishes them).
    public func plannedMoves() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM file_move WHERE state = 'planned'") ?? 0
    }

    /// The table's rows in `rowid` order (the id order for tables with one), `size` at a time,
    /// each in `table.columns`' order. Streams: one batch in memory at a time.
    public func forEachBatch(of table: LibraryTable, size: Int, _ body: ([[LibraryValue]]) throws -> Void) throws {
        let derived = Self.derived[table.name] ?? [:]
        let columns = table.columns.map { derived[$0.name] ?? $0.name }.joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(table.name) ORDER BY rowid")
        var batch: [[LibraryValue]] = []
        batch.reserveCapacity(size)
        while let row = try cursor.next() {
            batch.append(try table.columns.indices.map { try Self.value(row[$0] as DatabaseValue, table.columns[$0], table) })
            if batch.count == size {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    private static func value(_ stored: DatabaseValue, _ column: LibraryColumn, _ table: LibraryTable) throws -> LibraryValue {
        if stored.isNull { return .null }
        let converted: LibraryValue?
        switch column.kind {
        case .integer: converted = Int64.fromDatabaseValue(stored).map(LibraryValue.integer)
        case .real: converted = Double.fromDatabaseValue(stored).map(LibraryValue.real)
        case .text: converted = String.fromDatabaseValue(stored).map(LibraryValue.text)
        case .boolean: converted = Bool.fromDatabaseValue(stored).map(LibraryValue.boolean)
        case .date: converted = Date.fromDatabaseValue(stored).map(LibraryValue.date)
        case .vector, .floats: converted = Data.fromDatabaseValue(stored).map { .floats(EmbeddingBlob.decode($0)) }
        case .texts: converted = json(stored, as: [String].self).map(LibraryValue.texts)
        case .integers: converted = json(stored, as: [Int64].self).map(LibraryValue.integers)
        }
        guard let converted else { throw StoreErrors.corrupt("\(table.name).\(column.name) holds \(stored), not \(column.kind)") }
        return converted
    }

    private static func json<T: Decodable>(_ stored: DatabaseValue, as type: T.Type) -> T? {
        String.fromDatabaseValue(stored).flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}
