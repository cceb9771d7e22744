import Foundation
import PostgresNIO
import VisageCore

/// Where the PostgreSQL database is: `VISAGE_DATABASE_URL`'s
/// `postgres://user[:password]@host[:port]/database[?sslmode=MODE[&sslrootcert=PATH]]`.
///
/// `sslmode` as libpq spells it, for the modes that don't fall back silently: `disable` (the
/// default: plain TCP, for a trusted network), `require` (encrypted, the server's certificate not
/// checked), `verify-ca` (encrypted, the certificate signed by a trusted authority) and
/// `verify-full` (that, and issued for `host`). `sslrootcert` names the authorities' PEM file for
/// the verifying modes; without it the system's are trusted. `prefer` and `allow` are refused:
/// they would connect in the clear when the server offers no TLS.
public struct PostgresURL: Sendable, Equatable {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode = .disable
    /// PEM file of the certificate authorities `verify-ca` and `verify-full` trust; nil: the system's.
    public var rootCertificatePath: String?

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
        self.init(
            host: host, port: components.port ?? 5432, username: user, password: components.password, database: database)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw Self.invalid("sslmode must be disable, require, verify-ca or verify-full")
                }
                tls = mode
            case "sslrootcert":
                guard let path = item.value, !path.isEmpty else { throw Self.invalid("sslrootcert names no file") }
                rootCertificatePath = path
            default: throw Self.invalid("unknown parameter \(item.name)")
            }
        }
        if rootCertificatePath != nil, tls != .verifyCA, tls != .verifyFull {
            throw Self.invalid("sslrootcert needs sslmode=verify-ca or verify-full")
        }
    }

    /// The driver's settings; `store_open_failed` when the authorities' file can't be read.
    func configuration() throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try tlsSetting())
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private func tlsSetting() throws -> PostgresConnection.Configuration.TLS {
        var client = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return .disable
        case .require: client.certificateVerification = .none
        case .verifyCA: client.certificateVerification = .noHostnameVerification
        case .verifyFull: client.certificateVerification = .fullVerification
        }
        if let rootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: rootCertificatePath) else {
                throw VisageError(.storeOpenFailed, "VISAGE_DATABASE_URL: sslrootcert \(rootCertificatePath) can't be read")
            }
            client.trustRoots = .file(rootCertificatePath)
        }
        do {
            return .require(try NIOSSLContext(configuration: client))
        } catch {
            throw VisageError(.storeOpenFailed, "VISAGE_DATABASE_URL: the TLS settings can't be used: \(error)")
        }
    }

    /// For messages: the URL without its password.
    public var redacted: String {
        var query: [String] = []
        if tls != .disable { query.append("sslmode=\(tls.rawValue)") }
        if let rootCertificatePath { query.append("sslrootcert=\(rootCertificatePath)") }
        return "postgres://\(username)@\(host):\(port)/\(database)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    private static func invalid(_ detail: String) -> VisageError {
        VisageError(.invalidConfiguration, "VISAGE_DATABASE_URL: \(detail)")
    }
}
