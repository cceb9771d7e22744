import Foundation
import Hummingbird
import NIOCore
import VisageCore

/// How a route group writes its error bodies. Each seed's clients parse their own shape, so the
/// shape is chosen where the routes are mounted, never per handler.
public enum ErrorBodyStyle: Sendable {
    /// Visage's own: `{"error": {"code", "message"}, "request_id", "timestamp"}`.
    case standard
    /// Seed 004's: `{"error": "<message>", "code", "request_id", "timestamp"}`; clients print
    /// `error` as a string.
    case seed004
    /// Seed 001's (FastAPI's): `{"detail": "<message>"}`.
    case detail

    /// The response for an error with this code, status and message.
    func response(code: ErrorCode, status: HTTPResponse.Status, message: String, requestID: String) -> Response {
        let data: Data?
        switch self {
        case .standard:
            data = try? StandardErrorBody(error: .init(code: code.rawValue, message: message), requestID: requestID).jsonData()
        case .seed004:
            data = try? Seed004ErrorBody(error: message, code: code.rawValue, requestID: requestID).jsonData()
        case .detail:
            data = try? DetailErrorBody(detail: message).jsonData()
        }
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data ?? Data())))
    }
}

/// `ErrorBodyStyle.standard`: a stable code, a sentence, and the request id to quote when
/// reporting a problem.
struct StandardErrorBody: Encodable {
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

/// `ErrorBodyStyle.seed004`: the seed's documented body, with the stable code beside it.
struct Seed004ErrorBody: Encodable {
    let error: String
    let code: String
    let requestID: String
    var timestamp: String = ServiceTimestamp.now()

    enum CodingKeys: String, CodingKey {
        case error, code, timestamp
        case requestID = "request_id"
    }
}

/// `ErrorBodyStyle.detail`.
struct DetailErrorBody: Encodable {
    let detail: String
}

/// Seed 004's timestamp format: "2025-10-25 21:00:00 UTC".
enum ServiceTimestamp {
    static func now() -> String { format(Date()) }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
