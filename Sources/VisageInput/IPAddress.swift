import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as raw bytes, so ranges are compared numerically and no textual form
/// (`127.1`, `0x7f000001`, `::ffff:127.0.0.1`) can slip past a string comparison.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a numeric address in its canonical forms only (inet_pton): used on addresses the
    /// resolver or a socket already produced, never on what a client typed.
    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        let unbracketed = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        let withoutZone = unbracketed.split(separator: "%", maxSplits: 1).first.map(String.init) ?? unbracketed
        if inet_pton(AF_INET6, withoutZone, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    var isIPv4: Bool { bytes.count == 4 }

    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        var copy = bytes
        let family = isIPv4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(cString: buffer)
    }

    /// Where an address points, for the outbound-URL rule.
    enum Scope: String, Sendable {
        case `public`
        case loopback, `private`, sharedNAT
        case linkLocal, metadata
        case unspecified, multicast, reserved

        /// Loopback, RFC 1918 / unique-local and carrier-grade NAT: the ranges
        /// `allowPrivateNetworks` opens. The rest of the non-public scopes never hold an image
        /// worth fetching (or, for metadata, hold credentials), so only `allowedHosts` opens them.
        var isPrivateNetwork: Bool { self == .loopback || self == .private || self == .sharedNAT }
    }

    var scope: Scope {
        isIPv4 ? Self.scope(v4: bytes) : scopeV6
    }

    private static func scope(v4 b: [UInt8]) -> Scope {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8 "this network"
        case (127, _): return .loopback  // 127.0.0.0/8
        case (10, _): return .private  // 10.0.0.0/8
        case (172, 16...31): return .private  // 172.16.0.0/12
        case (192, 168): return .private  // 192.168.0.0/16
        case (100, 64...127): return .sharedNAT  // 100.64.0.0/10
        case (169, 254):  // 169.254.0.0/16
            return b == [169, 254, 169, 254] ? .metadata : .linkLocal
        case (192, 0) where b[2] == 0: return .reserved  // 192.0.0.0/24 (protocol assignments)
        case (198, 18...19): return .reserved  // 198.18.0.0/15 (benchmarking)
        case (224...239, _): return .multicast  // 224.0.0.0/4
        case (240...255, _): return .reserved  // 240.0.0.0/4 and broadcast
        default: return .public
        }
    }

    private var scopeV6: Scope {
        let b = bytes
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 host on dual-stack sockets.
        if firstTen && b[10] == 0xFF && b[11] == 0xFF { return Self.scope(v4: Array(b[12..<16])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) {
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] == 0 { return .unspecified }  // ::
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }  // ::1
            return Self.scope(v4: Array(b[12..<16]))  // ::a.b.c.d (deprecated IPv4-compatible)
        }
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address a gateway will reach.
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return Self.scope(v4: Array(b[12..<16])) }
        if b[0] == 0x20 && b[1] == 0x02 { return Self.scope(v4: Array(b[2..<6])) }
        // AWS publishes its metadata service at fd00:ec2::254 as well as 169.254.169.254.
        if b == [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] {
            return .metadata
        }
        if b[0] & 0xFE == 0xFC { return .private }  // fc00::/7 unique local
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .private }  // fec0::/10 (old site-local)
        if b[0] == 0xFF { return .multicast }  // ff00::/8
        // Teredo (2001::/32) hides an IPv4 address behind a relay; no image host uses it.
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0 { return .reserved }
        return .public
    }
}
