import Foundation
import VisageCore

/// One URL about to be fetched, parsed the way AsyncHTTPClient parses it (`URL(string:)`, host
/// without IPv6 brackets, scheme's default port), so the host checked is the host connected to.
struct URLTarget: Sendable {
    let url: URL
    let scheme: String
    /// Lowercased, brackets removed, trailing dot removed.
    let host: String
    let port: Int

    var displayName: String { URLRules.redacted(url.absoluteString) }
}

enum URLRules {
    /// Parses `string` and applies the scheme rule. Only http and https: AsyncHTTPClient would
    /// also follow `unix:` and `http+unix:` URLs to local sockets.
    static func target(_ string: String) throws -> URLTarget {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased() else {
            throw VisageError(.urlInvalid, "\(redacted(trimmed)) is not a valid URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw VisageError(.urlSchemeNotAllowed, "\(redacted(trimmed)) uses \(scheme):, only http and https URLs are fetched")
        }
        guard let rawHost = url.host, !rawHost.isEmpty else {
            throw VisageError(.urlInvalid, "\(redacted(trimmed)) has no host")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else {
            throw VisageError(.urlInvalid, "\(redacted(trimmed)) has an invalid port")
        }
        return URLTarget(url: url, scheme: scheme, host: normalizedHost(rawHost), port: port)
    }

    static func normalizedHost(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }
        return host
    }

    /// The URL without user info, query or fragment, for messages and logs: signed URLs carry
    /// their credentials there.
    static func redacted(_ string: String) -> String {
        guard var components = URLComponents(string: string.trimmingCharacters(in: .whitespacesAndNewlines)),
            components.scheme != nil
        else {
            return string.count > 80 ? String(string.prefix(80)) + "…" : string
        }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? string
    }

    /// The absolute URL a redirect points to, relative locations resolved against `base`.
    static func redirectTarget(_ location: String, from base: URL) -> String? {
        URL(string: location.trimmingCharacters(in: .whitespaces), relativeTo: base)?.absoluteURL.absoluteString
    }
}
