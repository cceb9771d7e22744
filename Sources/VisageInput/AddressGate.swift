import Foundation
import VisageCore

/// The outbound-URL rule, applied twice:
/// 1. before each request (first URL and every redirect), on every address the host resolves to;
/// 2. on the socket itself, once connected and before the request is written, on the address
///    actually reached. A host whose DNS answer changes between the two (DNS rebinding) is caught
///    by the second, which is why the first alone is not enough.
final class AddressGate: Sendable {
    let policy: InputPolicy
    /// Hosts from `allowedHosts`, normalised, with the port if one was given.
    private let allowList: [(host: String, port: Int?)]
    /// Addresses allow-listed hosts resolved to, with their port. The socket check sees only an
    /// address, not the name the request used, so it accepts a non-public address only if the
    /// first check already let an allow-listed name resolve to it.
    private let approved = LockedSet<String>()

    init(policy: InputPolicy) {
        self.policy = policy
        allowList = policy.allowedHosts.compactMap(Self.parseHostEntry)
    }

    func isAllowListed(_ target: URLTarget) -> Bool {
        allowList.contains { $0.host == target.host && ($0.port == nil || $0.port == target.port) }
    }

    /// Check 1. Throws `url_not_allowed` naming the first forbidden address.
    func check(_ target: URLTarget) async throws {
        let addresses = try await HostResolver.resolve(target.host)
        if isAllowListed(target) {
            for address in addresses { approved.insert(Self.key(address, target.port)) }
            return
        }
        // Every address must pass: the connection may use any of them.
        for address in addresses where !permits(address.scope) {
            let which = target.host == address.description ? "\(address) is" : "its host resolves to \(address),"
            let remedy =
                address.scope.isPrivateNetwork
                ? "list the host in VISAGE_ALLOWED_URL_HOSTS or set VISAGE_ALLOW_PRIVATE_URLS to allow it"
                : "only listing the host in VISAGE_ALLOWED_URL_HOSTS allows it"
            throw VisageError(
                .urlNotAllowed,
                "\(target.displayName) is refused: \(which) a non-public address (\(Self.describe(address.scope))); \(remedy)")
        }
    }

    /// Check 2, for the connection initialiser: the address and port the socket is connected to.
    func permitsConnection(to address: IPAddress, port: Int) -> Bool {
        permits(address.scope) || approved.contains(Self.key(address, port))
    }

    private func permits(_ scope: IPAddress.Scope) -> Bool {
        scope == .public || (scope.isPrivateNetwork && policy.allowPrivateNetworks)
    }

    private static func key(_ address: IPAddress, _ port: Int) -> String { "\(address)|\(port)" }

    static func describe(_ scope: IPAddress.Scope) -> String {
        switch scope {
        case .public: return "public"
        case .loopback: return "loopback"
        case .private: return "private-network"
        case .sharedNAT: return "carrier-grade NAT"
        case .linkLocal: return "link-local"
        case .metadata: return "cloud metadata"
        case .unspecified: return "unspecified"
        case .multicast: return "multicast"
        case .reserved: return "reserved"
        }
    }

    /// `host`, `host:port`, `[v6]`, `[v6]:port`; a bare IPv6 address (more than one colon) has
    /// no port.
    static func parseHostEntry(_ entry: String) -> (host: String, port: Int?)? {
        let text = entry.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = URLRules.normalizedHost(String(text[text.index(after: text.startIndex)..<close]))
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") {
            guard let port = Int(text[text.index(after: colon)...]) else { return nil }
            return (URLRules.normalizedHost(String(text[..<colon])), port)
        }
        return (URLRules.normalizedHost(text), nil)
    }
}

/// A set shared between request tasks and NIO event loops.
final class LockedSet<Element: Hashable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: Set<Element> = []

    func insert(_ element: Element) {
        lock.lock(); defer { lock.unlock() }
        elements.insert(element)
    }

    func contains(_ element: Element) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return elements.contains(element)
    }
}
