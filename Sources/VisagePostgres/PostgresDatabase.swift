import Foundation
import PostgresNIO
import VisageCore

/// A small pool of PostgreSQL connections with a blocking API, for the stores' synchronous
/// protocols: each call leases one connection (opening one when none is idle), runs its statements
/// on it, waiting for each on the caller's thread, and hands it back. Blocking on a future never
/// touches Swift's cooperative pool (the driver's I/O runs on NIO's event loops), so callers on
/// the blocking executor or in tests can't starve it. Waiting on an event loop thread would
/// deadlock, so callers must not be on one (the stores are never called from a handler directly).
public final class PostgresDatabase: @unchecked Sendable {
    // @unchecked: `idle` and `closed` are only touched under `lock`.
    public let url: PostgresURL
    private let eventLoops: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private let logger = Logger(label: "visage.postgres")
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var closed = false
    /// Idle connections kept beyond this are closed when handed back.
    private let maxIdle: Int
    /// The driver's settings, TLS context included: made once, so a bad certificate file fails
    /// the start rather than each connection.
    private let configuration: PostgresConnection.Configuration

    /// Connects once (so a wrong URL fails here, with its reason) and brings the schema up to date.
    public init(url: PostgresURL, maxIdle: Int = 8) throws {
        self.url = url
        self.maxIdle = maxIdle
        configuration = try url.configuration()
        try PostgresSchema.migrate(self)
    }

    deinit { for connection in idle { Self.close(connection) } }

    /// Closes and waits: the driver requires a connection closed before it is released.
    private static func close(_ connection: PostgresConnection) {
        try? (connection.close() as EventLoopFuture<Void>).wait()
    }

    /// Closes the idle connections; later calls fail with `store_failed`.
    public func close() {
        let connections = lock.withLock {
            closed = true
            defer { idle = [] }
            return idle
        }
        for connection in connections { Self.close(connection) }
    }

    /// Runs `body` on one leased connection, outside a transaction (each statement commits alone).
    func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try lease()
        let session = PostgresSession(connection: connection, logger: logger)
        do {
            let result = try body(session)
            giveBack(connection)
            return result
        } catch {
            // An error may leave the connection mid-protocol; a fresh one is cheaper than doubt.
            Self.close(connection)
            throw error
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// `isolation`: `BEGIN`'s modes (`ISOLATION LEVEL REPEATABLE READ READ ONLY` for reads that must agree).
    func transaction<T>(isolation: String = "", _ body: (PostgresSession) throws -> T) throws -> T {
        try withSession { session in
            try session.execute("BEGIN \(unescaped: isolation)")
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func lease() throws -> PostgresConnection {
        let reused: PostgresConnection?? = lock.withLock {
            guard !closed else { return .some(nil) }
            while let connection = idle.popLast() {
                if !connection.isClosed { return connection }
            }
            return nil
        }
        switch reused {
        case .some(.some(let connection)): return connection
        case .some(.none): throw VisageError(.storeFailed, "the PostgreSQL store was closed")
        case .none: break
        }
        do {
            return try PostgresConnection.connect(
                on: eventLoops.next(), configuration: configuration, id: 0, logger: logger
            ).wait()
        } catch {
            throw VisageError(.storeOpenFailed, "can't connect to PostgreSQL at \(url.redacted): \(PostgresErrors.describe(error))")
        }
    }

    private func giveBack(_ connection: PostgresConnection) {
        let keep = lock.withLock {
            guard !closed, !connection.isClosed, idle.count < maxIdle else { return false }
            idle.append(connection)
            return true
        }
        if !keep { Self.close(connection) }
    }
}

/// One leased connection: statements run one at a time, each waited for.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs the statement; how many rows it changed (0 for statements that report none).
    /// `refusals`: see `PostgresErrors.mapping`.
    @discardableResult func execute(_ query: PostgresQuery, refusals: [String: VisageError] = [:]) throws -> Int {
        try PostgresErrors.mapping(refusals: refusals) { try connection.query(query, logger: logger).wait().metadata.rows ?? 0 }
    }

    /// Runs the query and returns its rows. `refusals`: see `PostgresErrors.mapping`.
    func rows(_ query: PostgresQuery, refusals: [String: VisageError] = [:]) throws -> [PostgresRow] {
        try PostgresErrors.mapping(refusals: refusals) { try connection.query(query, logger: logger).wait().rows }
    }

    /// The rows decoded as `T` (a tuple of column types); a row that doesn't decode is `store_corrupt`.
    func fetch<each Column: PostgresDecodable>(
        _ query: PostgresQuery, as type: (repeat each Column).Type
    ) throws -> [(repeat each Column)] {
        try rows(query).map { try Self.decode($0, as: type) }
    }

    /// The single column of each row, decoded as `T`.
    func fetch<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type) throws -> [T] {
        try rows(query).map { row in
            do {
                return try row.decode(T.self)
            } catch {
                throw VisageError(.storeCorrupt, "a row of the PostgreSQL store could not be read: \(error)")
            }
        }
    }

    static func decode<each Column: PostgresDecodable>(
        _ row: PostgresRow, as type: (repeat each Column).Type
    ) throws -> (repeat each Column) {
        do {
            return try row.decode(type)
        } catch {
            throw VisageError(.storeCorrupt, "a row of the PostgreSQL store could not be read: \(error)")
        }
    }
}
