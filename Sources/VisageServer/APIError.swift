import Foundation
import HTTPTypes
import Hummingbird
import VisageCore

/// The JSON body of every error response: a stable code, a sentence, and the request id to quote
/// when reporting a problem.
struct APIErrorBody: ResponseEncodable {
    struct Detail: Encodable {
        let code: String
        let message: String
    }

    let error: Detail
    let requestID: String
    /// When the error happened, as seed 004's error body has it ("2025-10-25 21:00:00 UTC").
    var timestamp: String = ServiceTimestamp.now()

    enum CodingKeys: String, CodingKey {
        case error, timestamp
        case requestID = "request_id"
    }
}

enum APIErrorStatus {
    /// Caller mistakes are 4xx, our own faults 5xx. Codes not listed are treated as ours.
    static func status(for code: String) -> HTTPResponse.Status {
        switch code {
        case "image_not_found", "not_found", "cluster_not_found", "face_not_found", "person_not_found", "image_unknown",
             "collection_not_found":
            return .notFound
        case "merge_name_conflict", "embedding_model_mismatch": return .conflict
        case "image_too_large", "request_too_large": return .contentTooLarge
        case "request_timeout": return .requestTimeout
        case "path_not_allowed", "url_not_allowed": return .forbidden
        case "url_unreachable", "url_http_error": return .badGateway
        case "url_timeout": return .gatewayTimeout
        case "image_format_unsupported", "image_truncated", "image_corrupt", "image_empty", "image_not_a_file",
             "image_unreadable", "invalid_json", "invalid_request", "invalid_orientation", "invalid_name",
             "face_ambiguous", "face_not_in_cluster", "invalid_constraint", "annotation_disabled",
             "invalid_base64", "url_invalid", "url_scheme_not_allowed", "url_too_many_redirects", "too_many_images",
             "invalid_multipart", "invalid_collection", "embedding_dimension_mismatch":
            return .badRequest
        case "models_not_ready": return .serviceUnavailable
        default: return .internalServerError
        }
    }
}

extension VisageError {
    static func invalidJSON(_ error: Error) -> VisageError {
        let detail: String
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: detail = "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            detail = "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted?: detail = "the body is not valid JSON"
        default: detail = "\(error)"
        }
        return VisageError("invalid_json", "request body: \(detail)")
    }
}

/// Seed 004's timestamp format: "2025-10-25 21:00:00 UTC".
enum ServiceTimestamp {
    static func now() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: Date())
    }
}
