import Foundation
import VisageCore
import VisageImaging

/// The limits every image input is held to, whatever endpoint or form it came in. Pixel limits
/// live in `ImageLimits` (the decoder enforces them); this adds what only matters before decoding.
public struct InputPolicy: Sendable {
    /// Most bytes accepted from any input: a file, a download, decoded base64 or an upload.
    public var maxBytes: Int
    /// Formats accepted, as libvips names them (`jpeg`, `png`, `webp`, `heif`, `tiff`, `gif`,
    /// `jxl`). Checked on the first bytes of what arrived and again on what libvips reports, never
    /// on a file extension or a Content-Type header, both of which the sender controls.
    public var allowedFormats: Set<String>
    /// Folders server-side paths must lie in. Empty means any path the server can read is
    /// accepted, which suits the CLI and a single-user server; set roots whenever clients are not
    /// trusted with the whole filesystem. The check is on the real path (symlinks and `..`
    /// resolved) against each root's real path.
    public var pathRoots: [String]
    /// Whole-download deadline in seconds: DNS, connecting, every redirect and the body together,
    /// so a server that drips one byte at a time is cut off too.
    public var downloadTimeout: Double
    /// Most redirects followed; each one is checked like the first URL.
    public var maxRedirects: Int
    /// Allows URLs to loopback, private (RFC 1918, fc00::/7) and carrier-grade NAT (100.64/10)
    /// addresses. Link-local addresses, cloud metadata endpoints, multicast and reserved ranges
    /// stay refused even then: no image lives there, and metadata endpoints hand out credentials.
    public var allowPrivateNetworks: Bool
    /// `host` or `host:port` entries (IPv6 as `[::1]:8080`) that may be fetched whatever they
    /// resolve to, including link-local. Matched on the URL's host as written, so a redirect to
    /// another name or address of the same machine is still checked. Meant for a known internal
    /// image store, and for tests that serve images from 127.0.0.1.
    public var allowedHosts: [String]
    /// Whether `image_url` inputs are fetched at all. Off, a URL is still parsed and checked (so
    /// a malformed one gets its own error) and then refused with `url_not_allowed` before any
    /// DNS lookup: for servers that must never reach out, and for API fuzzing, whose random
    /// URLs would otherwise be fetched from the internet.
    public var allowURLs: Bool

    /// No JPEG XL by default: Debian 12's libjxl 0.7.0-10+deb12u1 carries fixes for CVE-2023-0645,
    /// CVE-2023-35790, CVE-2024-11403 and CVE-2024-11498 (its changelog), but not for the decoder
    /// bugs libjxl fixed later (CVE-2025-12474, CVE-2026-1837, in 0.11.2). Whether 0.7 has those
    /// bugs is unknown, so it is not clearly safe for network input; VISAGE_ALLOWED_FORMATS can
    /// add "jxl".
    public static let defaultFormats: Set<String> = ["jpeg", "png", "webp", "heif", "tiff", "gif"]

    public init(
        maxBytes: Int = ImageLimits.default.maxBytes,
        allowedFormats: Set<String> = InputPolicy.defaultFormats,
        pathRoots: [String] = [],
        downloadTimeout: Double = 30,
        maxRedirects: Int = 3,
        allowPrivateNetworks: Bool = false,
        allowedHosts: [String] = [],
        allowURLs: Bool = true
    ) {
        self.maxBytes = maxBytes
        self.allowedFormats = allowedFormats
        self.pathRoots = pathRoots
        self.downloadTimeout = downloadTimeout
        self.maxRedirects = maxRedirects
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedHosts = allowedHosts
        self.allowURLs = allowURLs
    }

    public static let `default` = InputPolicy()

    /// Reads the policy from the environment; unset or unparsable values keep their defaults
    /// (the same rule `ImageLimits.fromEnvironment` follows). Byte limit: `VISAGE_MAX_IMAGE_BYTES`.
    /// - `VISAGE_INPUT_ROOTS`: colon-separated folders (like PATH).
    /// - `VISAGE_ALLOWED_FORMATS`: comma-separated format names.
    /// - `VISAGE_DOWNLOAD_TIMEOUT`: seconds, may be fractional.
    /// - `VISAGE_MAX_REDIRECTS`: 0 or more.
    /// - `VISAGE_ALLOW_PRIVATE_URLS`: `1`/`true`/`yes`/`on`.
    /// - `VISAGE_ALLOWED_URL_HOSTS`: comma-separated (a colon already separates the port).
    /// - `VISAGE_ALLOW_URLS`: a flag, default on.
    ///
    /// Throws `invalid_configuration` for a number or flag that doesn't parse or is out of range.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> InputPolicy {
        let settings = EnvironmentSettings(environment)
        var policy = InputPolicy(maxBytes: try ImageLimits.fromEnvironment(environment).maxBytes)
        if let roots = environment["VISAGE_INPUT_ROOTS"] {
            policy.pathRoots = roots.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let formats = environment["VISAGE_ALLOWED_FORMATS"].map(Self.list), !formats.isEmpty {
            policy.allowedFormats = Set(formats.map { $0.lowercased() })
        }
        if let value = try settings.number("VISAGE_DOWNLOAD_TIMEOUT", in: 0.001...86_400) {
            policy.downloadTimeout = value
        }
        if let value = try settings.integer("VISAGE_MAX_REDIRECTS", in: 0...20) {
            policy.maxRedirects = value
        }
        if let value = try settings.flag("VISAGE_ALLOW_PRIVATE_URLS") {
            policy.allowPrivateNetworks = value
        }
        if let hosts = environment["VISAGE_ALLOWED_URL_HOSTS"] {
            policy.allowedHosts = Self.list(hosts)
        }
        if let value = try settings.flag("VISAGE_ALLOW_URLS") {
            policy.allowURLs = value
        }
        return policy
    }

    /// `downloadTimeout` kept between 1 ms and a day, so converting it to nanoseconds for timers
    /// cannot overflow.
    var effectiveTimeout: Double {
        downloadTimeout.isFinite ? min(max(downloadTimeout, 0.001), 86_400) : 86_400
    }

    private static func list(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }
}
