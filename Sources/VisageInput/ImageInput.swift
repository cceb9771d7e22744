import Foundation

/// One image as a request hands it over. Every endpoint turns its JSON field or upload into one
/// of these and lets `ImageFetcher` apply the same limits and checks, so no endpoint has a weaker
/// path into the decoder than another.
public enum ImageInput: Sendable {
    /// A file on the server. Confined to `InputPolicy.pathRoots` when roots are configured.
    case path(String)
    /// An `http` or `https` URL, downloaded with the SSRF, size, redirect and time limits.
    case url(String)
    /// Plain base64 or a `data:[mediatype];base64,` URI. Whitespace and line breaks are ignored,
    /// and the URL-safe alphabet (`-`, `_`) and missing padding are accepted, because clients
    /// produce all of these.
    case base64(String)
    /// Bytes that arrived as a multipart upload; `filename` is only used in messages.
    case bytes(Data, filename: String?)

    /// How the input is named in error messages. URLs lose their query, fragment and user info,
    /// which often carry signatures or passwords that must not end up in logs.
    public var displayName: String {
        switch self {
        case .path(let path): return path
        case .url(let string): return URLRules.redacted(string)
        case .base64(let string): return "base64 input (\(string.utf8.count) characters)"
        case .bytes(let data, let filename): return filename ?? "upload (\(data.count) bytes)"
        }
    }
}
