import Foundation
import VisageImaging
import VisageInput
import VisageServer
import VisageXMP

/// What each fuzz target feeds its input to: the functions the server and the CLI run on bytes
/// that come from outside. A target returns normally whatever the input; a crash, a hang or a
/// refusal without an error code is a find.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An XMP packet (embedded or sidecar): parsed, resolved, mapped through every orientation.
    case xmp
    /// A JSON body, as every endpoint that reads one decodes it.
    case json
    /// A multipart/form-data upload: the first line is the Content-Type header, the rest the body.
    case multipart
    /// `image_base64` text, plain or a `data:` URI.
    case base64
    /// A query string, without the `?`.
    case query

    /// The base64 limit: larger than any fuzz input, so the decoder runs to the end.
    static let maxBase64Bytes = 1 << 20

    public func run(_ input: Data) {
        switch self {
        case .xmp:
            guard let regions = try? XMPRegions.parse(input) else { return }
            let resolved = RegionSourcePolicy.resolve(regions)
            for orientation in ExifOrientation.allCases { _ = displayed(resolved.regions, orientation: orientation) }
        case .json:
            ClientInputEntryPoints.jsonRequestBody(input)
            ClientInputEntryPoints.imageRequestBody(input, contentType: "application/json")
        case .multipart:
            let lineEnd = input.firstIndex(of: UInt8(ascii: "\n")) ?? input.endIndex
            let contentType = String(decoding: input[..<lineEnd], as: UTF8.self)
            let body = lineEnd == input.endIndex ? Data() : Data(input[input.index(after: lineEnd)...])
            ClientInputEntryPoints.imageRequestBody(body, contentType: contentType)
        case .base64:
            _ = try? Base64Input.decode(String(decoding: input, as: UTF8.self), maxBytes: Self.maxBase64Bytes)
        case .query:
            ClientInputEntryPoints.queryString(String(decoding: input, as: UTF8.self))
        }
    }
}
