import Foundation
import HTTPTypes
import Hummingbird

/// Gives every request an id, which every response carries in `X-Request-ID` and every log line
/// and error body quotes. A caller's own id is kept only if it is short and plain (at most 128
/// characters of `A-Z a-z 0-9 . _ : -`): anything else could forge log lines or bloat them, so it
/// is replaced by a generated UUID.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = VisageRequestContext
    static let maxLength = 128

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.accepted(request.headers[.requestID]) ?? UUID().uuidString.lowercased()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }

    /// The caller's id if it is acceptable, else nil.
    static func accepted(_ id: String?) -> String? {
        guard let id, !id.isEmpty, id.utf8.count <= maxLength, id.utf8.allSatisfy(isAllowed) else { return nil }
        return id
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}
