import Crypto
import Foundation

/// One file of the web UI, ready to serve: its bytes, content type and a strong ETag.
public struct WebUIAsset: Sendable {
    public let name: String
    public let bytes: Data
    public let contentType: String
    /// The SHA-256 of the bytes (first 16 hex digits), quoted: it changes exactly when the file does.
    public let etag: String
}

/// The web UI's files, read once from the package's resources. The set is closed: only the files
/// listed in `names` exist, so no request path ever reaches the file system.
public struct WebUIAssets: Sendable {
    /// The page every UI address loads; the script routes by the URL's fragment.
    public static let indexName = "index.html"
    static let names = ["index.html", "app.js", "app.css", "favicon.svg"]

    private let assets: [String: WebUIAsset]

    /// Loads the bundled files; fails only if the package was built without them.
    public init() throws {
        var assets: [String: WebUIAsset] = [:]
        for name in Self.names {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard let url = Bundle.module.url(forResource: parts[0], withExtension: parts[1], subdirectory: "ui") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "ui/\(name)"])
            }
            let bytes = try Data(contentsOf: url)
            let digest = SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
            assets[name] = WebUIAsset(name: name, bytes: bytes, contentType: Self.contentType(of: name), etag: "\"\(digest)\"")
        }
        self.assets = assets
    }

    /// The asset called `name`, or nil when there is none (any other name, `..` included).
    public func asset(named name: String) -> WebUIAsset? {
        assets[name]
    }

    public var index: WebUIAsset { assets[Self.indexName]! }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }
}
