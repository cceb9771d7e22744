import Foundation
import MultipartKit
import NIOCore
import VisageCore

/// `multipart/form-data` (RFC 7578) bodies, parsed by MultipartKit's parser: text fields by name
/// (the last of a repeated name wins) and file parts (any part with a filename) in body order.
enum MultipartForm {
    struct Parsed {
        var fields: [String: String] = [:]
        var uploads: [ImageField.Upload] = []
    }

    static func parse(_ body: ByteBuffer, contentType: String) throws -> Parsed {
        guard let boundary = HeaderParameters(contentType)["boundary"], !boundary.isEmpty, boundary.count <= 200 else {
            throw VisageError(.invalidMultipart, "a multipart/form-data body needs a boundary in its Content-Type")
        }
        guard MultipartHeaderNames.areASCII(body, boundary: boundary) else {
            throw VisageError(.invalidMultipart, "a part header name in the multipart/form-data body is not ASCII")
        }
        var form = Parsed()
        var headers: [(String, String)] = [], content = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { headers.append(($0, $1)) }
        parser.onBody = { content.writeBuffer(&$0) }
        parser.onPartComplete = {
            defer { headers = []; content = ByteBuffer() }
            guard let disposition = headers.first(where: { $0.0.lowercased() == "content-disposition" }),
                let name = HeaderParameters(disposition.1)["name"]
            else { return }
            if let filename = HeaderParameters(disposition.1)["filename"] {
                form.uploads.append(ImageField.Upload(field: name, filename: filename, data: Data(buffer: content)))
            } else {
                form.fields[name] = String(buffer: content)
            }
        }
        do {
            try parser.execute(body)
        } catch {
            throw VisageError(.invalidMultipart, "the multipart/form-data body is malformed")
        }
        return form
    }
}
