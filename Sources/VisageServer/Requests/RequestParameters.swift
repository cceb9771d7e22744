import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import VisageCore

extension Request {
    /// The body decoded as JSON; any failure is the caller's `invalid_json` (400).
    /// A `ValidatedBody` is checked once decoded, so every route gets its body's rules.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: VisageRequestContext) async throws -> T {
        do {
            let body = try await decode(as: type, context: context)
            try (body as? any ValidatedBody)?.validate()
            return body
        } catch is NIOTooManyBytesError {
            throw VisageError.requestTooLarge(limit: context.maxUploadSize)
        } catch let error as VisageError {
            throw error
        } catch {
            throw VisageError.invalidJSON(error)
        }
    }

    /// A finite number from the query string (`NumberField`); NaN, `inf` and `1e400` are refused.
    func queryDouble(_ name: String) throws -> Double? { try uri.queryDouble(name) }

    func queryString(_ name: String) -> String? { uri.queryString(name) }
}

/// The query readers on the URI alone, so they can be run on a client's bytes without a request.
extension URI {
    func queryDouble(_ name: String) throws -> Double? {
        try queryParameters.get(name).map { try NumberField.double($0, name: name) }
    }

    /// The parameter's (percent-decoded) value; empty is the same as absent.
    func queryString(_ name: String) -> String? {
        queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A request body with rules beyond its types (length limits, characters, ranges), checked
/// right after it decodes.
protocol ValidatedBody: Decodable {
    func validate() throws
}

extension ValidatedBody {
    /// Types that check everything while they decode have nothing left to check.
    func validate() throws {}
}

/// Path parameters, with the API's error codes.
extension VisageRequestContext {
    func pathParameter(_ name: String) throws -> String {
        guard let value = parameters.get(name), !value.isEmpty else {
            throw VisageError(.invalidRequest, "missing path parameter \(name)")
        }
        return value.removingPercentEncoding ?? value
    }

    func faceIDParameter() throws -> Int64 {
        let text = try pathParameter("face_id")
        guard let id = Int64(text) else { throw VisageError(.invalidRequest, "face_id must be an integer, got '\(text)'") }
        return id
    }
}

extension VisageError {
    /// A body over `limit` bytes; `setting` names the variable that raises the limit, if any.
    static func requestTooLarge(limit: Int, setting: String? = nil) -> VisageError {
        VisageError(.requestTooLarge, "the request body is over the limit of \(limit) bytes" + (setting.map { " (\($0))" } ?? ""))
    }

    /// A JSON body that does not decode, naming the field at fault.
    static func invalidJSON(_ error: Error) -> VisageError {
        let detail: String
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: detail = "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            detail = "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted?: detail = "the body is not valid JSON"
        default: detail = "\(error)"
        }
        return VisageError(.invalidJson, "request body: \(detail)")
    }
}

/// Checks shared by every route that takes the field.
enum FieldRules {
    /// The largest `min_face_size`: far above any face in an image of `VISAGE_MAX_SIDE`.
    static let maxMinFaceSize = 100_000.0

    /// `min_face_size`: pixels, 0 to `maxMinFaceSize`; nil takes the server's default (`MIN_FACE_SIZE`).
    static func minFaceSize(_ value: Double?, default fallback: Double) throws -> Double {
        let value = value ?? fallback
        guard value.isFinite, value >= 0 else { throw VisageError(.invalidRequest, "min_face_size must be 0 or more") }
        guard value <= maxMinFaceSize else {
            throw VisageError(.invalidRequest, "min_face_size must be at most \(Int(maxMinFaceSize)) pixels")
        }
        return value
    }
}
