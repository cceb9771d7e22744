import Foundation
import Hummingbird
import NIOCore
import VisageCore

extension Request {
    /// The body decoded as JSON; any failure is the caller's `invalid_json` (400).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: VisageRequestContext) async throws -> T {
        do {
            return try await decode(as: type, context: context)
        } catch is NIOTooManyBytesError {
            throw VisageError.requestTooLarge(limit: context.maxUploadSize)
        } catch {
            throw VisageError.invalidJSON(error)
        }
    }
}

extension VisageError {
    /// A body over `limit` bytes; `setting` names the variable that raises the limit, if any.
    static func requestTooLarge(limit: Int, setting: String? = nil) -> VisageError {
        VisageError("request_too_large", "the request body is over the limit of \(limit) bytes" + (setting.map { " (\($0))" } ?? ""))
    }
}

extension Response {
    /// A JSON body with sorted keys (stable, diffable output).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try value.jsonData())))
    }
}

/// Path parameters and query values, with the API's error codes.
extension VisageRequestContext {
    func pathParameter(_ name: String) throws -> String {
        guard let value = parameters.get(name), !value.isEmpty else {
            throw VisageError("invalid_request", "missing path parameter \(name)")
        }
        return value.removingPercentEncoding ?? value
    }

    func faceIDParameter() throws -> Int64 {
        let text = try pathParameter("face_id")
        guard let id = Int64(text) else { throw VisageError("invalid_request", "face_id must be an integer, got '\(text)'") }
        return id
    }
}

extension Request {
    func queryDouble(_ name: String) throws -> Double? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Double(text) else { throw VisageError("invalid_request", "\(name) must be a number, got '\(text)'") }
        return value
    }

    func queryString(_ name: String) -> String? {
        uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }
}
