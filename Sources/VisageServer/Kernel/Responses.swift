import Foundation
import Hummingbird
import NIOCore

public extension Encodable {
    /// Compact JSON with sorted keys: stable, diffable output.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return try encoder.encode(self)
    }

    /// One line of compact JSON.
    func jsonLine() -> String {
        (try? jsonData()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension Response {
    /// A JSON body with sorted keys (stable, diffable output).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try value.jsonData())))
    }
}
