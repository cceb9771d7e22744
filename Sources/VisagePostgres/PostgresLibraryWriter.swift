import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// The target side of `visage migrate`: rows of `LibraryValue`s inserted into an empty library,
/// all in one transaction, ids kept as they are.
public struct PostgresLibraryWriter {
    let session: PostgresSession

    /// Runs `body` in one transaction on `database`: committed when it returns, rolled back (the
    /// database left as it was) when it throws.
    public static func transaction<T>(_ database: PostgresDatabase, _ body: (PostgresLibraryWriter) throws -> T) throws -> T {
        try database.transaction { session in try body(PostgresLibraryWriter(session: session)) }
    }

    /// Locks `tables` against every other writer until the transaction ends (readers still read)
    /// and returns those that already hold a row: a `visage serve` starting on the database can't
    /// slip a row in between the check and the copy.
    public func lockAndFindRows(in tables: [LibraryTable]) throws -> [String] {
        try session.execute("LOCK TABLE \(unescaped: tables.map(\.name).joined(separator: ", ")) IN EXCLUSIVE MODE")
        return try tables.filter { table in
            try session.fetch("SELECT EXISTS (SELECT 1 FROM \(unescaped: table.name))", as: Bool.self).first == true
        }.map(\.name)
    }

    /// One multi-row INSERT of `rows` (in `table.columns`' order), ids included. A vector column
    /// is bound as `real[]` and cast to `vector`, exact for float32, with its `dimensions` beside it.
    public func insert(_ rows: [[LibraryValue]], into table: LibraryTable) throws {
        guard !rows.isEmpty else { return }
        var names = table.columns.map(\.name)
        let vectorIndex = table.columns.firstIndex { $0.kind == .vector }
        if vectorIndex != nil { names.append("dimensions") }
        var bindings = PostgresBindings(capacity: rows.count * names.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var placeholders: [String] = []
            for (value, column) in zip(row, table.columns) {
                try Self.bind(value, to: &bindings)
                placeholders.append(Self.placeholder(bindings.count, column.kind))
            }
            if let vectorIndex {
                guard case .floats(let vector) = row[vectorIndex] else {
                    throw VisageError(.storeCorrupt, "a row of \(table.name) has no \(table.columns[vectorIndex].name)")
                }
                bindings.append(vector.count)
                placeholders.append("$\(bindings.count)")
            }
            tuples.append("(\(placeholders.joined(separator: ", ")))")
        }
        let overriding = table.identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
        let sql = "INSERT INTO \(table.name) (\(names.joined(separator: ", ")))\(overriding) VALUES \(tuples.joined(separator: ", "))"
        do {
            try session.execute(PostgresQuery(unsafeSQL: sql, binds: bindings))
        } catch let error as VisageError {
            throw VisageError(error.errorCode, "copying \(table.name): \(error.message)")
        }
    }

    /// `to_timestamp` rounds seconds to the nearest microsecond; postgres-nio's own `Date`
    /// encoding truncates, which can take a microsecond off a SQLite time (milliseconds).
    private static func placeholder(_ number: Int, _ kind: LibraryColumnKind) -> String {
        switch kind {
        case .vector: "$\(number)::real[]::vector"
        case .date: "to_timestamp($\(number))"
        default: "$\(number)"
        }
    }

    private static func bind(_ value: LibraryValue, to bindings: inout PostgresBindings) throws {
        switch value {
        case .null: bindings.appendNull()
        case .integer(let value): bindings.append(value)
        case .real(let value): bindings.append(value)
        case .text(let value): bindings.append(value)
        case .boolean(let value): bindings.append(value)
        case .date(let value): bindings.append(value.timeIntervalSince1970)
        case .floats(let value): bindings.append(value)
        case .texts(let value): bindings.append(value)
        case .integers(let value): bindings.append(value)
        }
    }

    public func count(_ table: LibraryTable) throws -> Int {
        try session.fetch("SELECT count(*) FROM \(unescaped: table.name)", as: Int.self).first ?? 0
    }

    /// The vectors stored for `ids` (by the table's identity), read back as float32s.
    public func vectors(of table: LibraryTable, ids: [Int64]) throws -> [Int64: [Float]] {
        guard let id = table.identity, let column = table.vectorColumn else { return [:] }
        let rows = try session.fetch(
            "SELECT \(unescaped: id), \(unescaped: column)::real[] FROM \(unescaped: table.name) WHERE \(unescaped: id) = ANY(\(ids))",
            as: (Int64, [Float]).self)
        return Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// After a table's last row: its identity moved past the largest id copied (new rows would
    /// collide otherwise), and the HNSW index of each dimension the table now holds (as the first
    /// row of a dimension makes it when stored one by one).
    public func finish(_ table: LibraryTable) throws {
        if let id = table.identity {
            try session.execute(
                """
                SELECT setval(pg_get_serial_sequence(\(table.name), \(id)), coalesce(max(\(unescaped: id)), 0) + 1, false)
                FROM \(unescaped: table.name)
                """)
        }
        guard table.vectorColumn != nil, Self.searchedTables.contains(table.name) else { return }
        let indexes = PostgresVectorIndexes(table: table.name)
        for dimensions in try session.fetch("SELECT DISTINCT dimensions FROM \(unescaped: table.name)", as: Int.self) {
            try indexes.ensure(dimensions: dimensions, in: session)
        }
    }

    /// The tables searched through HNSW (references are matched in the process: no index).
    private static let searchedTables: Set<String> = ["face", "collection_face", "image_embedding"]
}
