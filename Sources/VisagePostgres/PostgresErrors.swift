import Foundation
import PostgresNIO
import VisageCore

/// Turns what the driver and the server throw into `VisageError`s with stable codes, as
/// VisageSQLite's `StoreErrors` does: clients see the same codes whatever database is behind
/// the API. `VisageError`s pass through unchanged.
enum PostgresErrors {
    /// The SQLSTATE of a row that points at a missing one (a session's unknown key).
    static let foreignKeyViolation = "23503"
    /// The SQLSTATE of a row that repeats a unique key (a second planned move of one source).
    static let uniqueViolation = "23505"

    /// `refusals`: the error to throw instead for a server error of that SQLSTATE (a constraint
    /// the statement relies on to refuse a caller's mistake).
    static func mapping<T>(refusals: [String: VisageError] = [:], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VisageError {
            throw error
        } catch {
            if let state = sqlState(of: error), let refusal = refusals[state] { throw refusal }
            throw VisageError(.storeFailed, "the PostgreSQL store failed: \(describe(error))")
        }
    }

    /// The SQLSTATE of a server error, nil for anything else.
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The server's message and SQLSTATE, or the driver's reason; never the query's bound values.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let info = psql.serverInfo, let message = info[.message] {
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        // A refused TLS handshake or connection says why only in the underlying error.
        return psql.underlying.map { "\(psql.code): \($0)" } ?? "\(psql.code)"
    }
}
