import Foundation
import NIOCore

/// A `multipart/form-data` body as `curl -F` sends it, for the upload tests.
struct MultipartBody {
    let boundary = "visage-test-\(UUID().uuidString)"
    private var data = Data()

    mutating func field(_ name: String, _ value: String) {
        data.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }

    mutating func file(_ name: String, filename: String, _ content: Data, type: String = "application/octet-stream") {
        data.append(
            Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8))
        data.append(content)
        data.append(Data("\r\n".utf8))
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var buffer: ByteBuffer {
        ByteBuffer(bytes: data + Data("--\(boundary)--\r\n".utf8))
    }
}
