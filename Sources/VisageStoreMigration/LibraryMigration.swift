import Foundation
import VisageCore
import VisagePostgres
import VisageSQLite
import VisageStorage

/// `visage migrate`: copies a SQLite library into an empty PostgreSQL database without
/// re-embedding anything. Every id is kept (photo managers hold image, face and cluster ids).
///
/// One SQLite snapshot is read, in batches, into one PostgreSQL transaction: the copy commits
/// whole, after the checks, or not at all. Refused: a target that holds any row of a library
/// table (never merged into), a source with file moves a crash left planned.
public struct LibraryMigration {
    public var batchSize = 1000
    public var tables = LibraryCatalogue.tables

    public init() {}

    /// What was copied: rows per table, embeddings compared, seconds taken.
    public struct Summary: Sendable, Equatable {
        public var rows: [String: Int]
        public var verifiedEmbeddings: Int
        public var seconds: Double
    }

    /// The rows to copy, for a progress bar's total.
    public func rowCount(in source: SQLiteLibraryReader) throws -> Int {
        try source.read { snapshot in try tables.reduce(0) { try $0 + snapshot.count($1) } }
    }

    /// Copies `source` into `target`. `progress` is called with the rows of each batch copied.
    public func run(from source: SQLiteLibraryReader, to target: PostgresDatabase, progress: (Int) -> Void = { _ in }) throws -> Summary {
        let start = Date()
        return try source.read { snapshot in
            let planned = try snapshot.plannedMoves()
            guard planned == 0 else {
                throw VisageError(
                    .migrationMovesPending,
                    "the library has \(planned) file move(s) a crash left unfinished; run `visage route` (no arguments) on it first")
            }
            return try PostgresLibraryWriter.transaction(target) { writer in
                let occupied = try writer.lockAndFindRows(in: tables)
                guard occupied.isEmpty else {
                    throw VisageError(
                        .migrationTargetNotEmpty,
                        "\(target.url.redacted) already holds a library (rows in \(occupied.joined(separator: ", "))); migrate into an empty database"
                    )
                }
                var verified = 0
                for table in tables {
                    try snapshot.forEachBatch(of: table, size: batchSize(for: table)) { rows in
                        try writer.insert(rows, into: table)
                        verified += try Self.verifyEmbeddings(rows, of: table, with: writer)
                        progress(rows.count)
                    }
                    try writer.finish(table)
                }
                var counts: [String: Int] = [:]
                for table in tables {
                    let (expected, copied) = (try snapshot.count(table), try writer.count(table))
                    guard expected == copied else {
                        throw VisageError(.migrationVerificationFailed, "\(table.name): \(expected) rows in SQLite, \(copied) copied")
                    }
                    counts[table.name] = copied
                }
                return Summary(rows: counts, verifiedEmbeddings: verified, seconds: Date().timeIntervalSince(start))
            }
        }
    }

    /// PostgreSQL takes at most 65,535 parameters a statement.
    private func batchSize(for table: LibraryTable) -> Int {
        max(1, min(batchSize, 60_000 / (table.columns.count + 1)))
    }

    /// Reads the batch's embeddings back from PostgreSQL and compares them bit for bit with the
    /// source's float32s (pgvector stores float32: the round trip is exact). Returns how many.
    private static func verifyEmbeddings(_ rows: [[LibraryValue]], of table: LibraryTable, with writer: PostgresLibraryWriter) throws -> Int {
        guard let idName = table.identity, let vectorName = table.vectorColumn,
            let idIndex = table.columns.firstIndex(where: { $0.name == idName }),
            let vectorIndex = table.columns.firstIndex(where: { $0.name == vectorName })
        else { return 0 }
        var expected: [Int64: [Float]] = [:]
        for row in rows {
            guard case .integer(let id) = row[idIndex], case .floats(let vector) = row[vectorIndex] else { continue }
            expected[id] = vector
        }
        let stored = try writer.vectors(of: table, ids: Array(expected.keys))
        for (id, vector) in expected where stored[id]?.map(\.bitPattern) != vector.map(\.bitPattern) {
            throw VisageError(.migrationVerificationFailed, "\(table.name) \(id): the embedding read back differs from the source's")
        }
        return expected.count
    }
}
