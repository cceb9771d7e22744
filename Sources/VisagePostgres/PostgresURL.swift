import Foundation
import PostgresNIO
import VisageCore

/// Where the PostgreSQL database is: `VISAGE_DATABASE_URL`'s `postgres://user[:password]@host[:port]/database`.
/// TLS is not offered yet, so only `sslmode=disable` (or none) is accepted: a URL that asks for
/// TLS is refused rather than silently connecting in the clear.
public struct PostgresURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String) {
        (self.host, self.port, self.username, self.password, self.database) = (host, port, username, password, database)
    }

    /// Whether `string` names a PostgreSQL database rather than a file.
    public static func isPostgres(_ string: String) -> Bool {
        string.hasPrefix("postgres://") || string.hasPrefix("postgresql://")
    }

    /// Parses the URL; `invalid_configuration` naming what is wrong (never echoing a password).
    public init(parsing string: String) throws {
        guard Self.isPostgres(string), let components = URLComponents(string: string), let host = components.host, !host.isEmpty
        else {
            throw Self.invalid("expected postgres://user@host[:port]/database")
        }
        guard let user = components.user, !user.isEmpty else { throw Self.invalid("the URL names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw Self.invalid("the URL names no database") }
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"): continue
            case ("sslmode", _): throw Self.invalid("TLS is not supported yet; use sslmode=disable on a trusted network")
            default: throw Self.invalid("unknown parameter \(item.name)")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user, password: components.password, database: database)
    }

    var configuration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// For messages: the URL without its password.
    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    private static func invalid(_ detail: String) -> VisageError {
        VisageError(.invalidConfiguration, "VISAGE_DATABASE_URL: \(detail)")
    }
}
