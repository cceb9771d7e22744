import Foundation

/// One table of a library as `visage migrate` copies it between backends: the columns both
/// schemas share, each with the kind that says how each backend stores it. A backend reads and
/// writes rows of `LibraryValue`s in the order of `columns`, so neither needs the other's types.
public struct LibraryTable: Sendable, Equatable {
    public var name: String
    public var columns: [LibraryColumn]
    /// The integer id PostgreSQL generates (`GENERATED ALWAYS AS IDENTITY`): copied as it is and
    /// the sequence moved past the largest, so new rows never take a copied id. Nil for tables
    /// keyed by text or by several columns.
    public var identity: String?

    public init(_ name: String, identity: String? = nil, _ columns: [LibraryColumn]) {
        (self.name, self.identity, self.columns) = (name, identity, columns)
    }

    /// The one vector column (stored beside its `dimensions` on PostgreSQL), if the table has one.
    public var vectorColumn: String? { columns.first { $0.kind == .vector }?.name }
}

public struct LibraryColumn: Sendable, Equatable {
    public var name: String
    public var kind: LibraryColumnKind

    public init(_ name: String, _ kind: LibraryColumnKind) {
        (self.name, self.kind) = (name, kind)
    }
}

/// How a column is held: SQLite keeps dates as text, booleans as 0 and 1, float lists as
/// little-endian float32 BLOBs and other lists as JSON arrays; PostgreSQL has a type for each.
public enum LibraryColumnKind: Sendable, Equatable {
    case integer, real, text, boolean, date
    /// An embedding: a BLOB on SQLite, pgvector's `vector` (with `dimensions`) on PostgreSQL.
    case vector
    /// Floats read whole (a centroid, weights): a BLOB on SQLite, `real[]` on PostgreSQL.
    case floats
    /// A JSON array of strings or of integers on SQLite, `text[]` or `integer[]` on PostgreSQL.
    case texts, integers
}

/// One column's value of one row; `null` for any kind.
public enum LibraryValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case boolean(Bool)
    case date(Date)
    case floats([Float])
    case texts([String])
    case integers([Int64])
}
