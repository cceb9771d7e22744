import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import VisageCore
import VisageInput

/// The fields and the image of a request to an endpoint that takes one image, from either body
/// an API client is likely to send:
///
/// - JSON: `{"image_url": ...}`, `{"image_base64": ...}` or `{"image_path": ...}`, plus fields;
/// - `multipart/form-data`: the image as a file part (any part with a filename), plus fields as
///   text parts, as `curl -F image=@photo.jpg -F image_id=42` sends them.
///
/// Either way the image becomes one `ImageInput`, so every limit of `VisageInput` applies.
struct ImageRequest {
    /// JSON values as `JSONSerialization` gives them, or the text of multipart fields.
    private let values: [String: Any]
    /// Multipart file parts, in order.
    let uploads: [Upload]

    struct Upload {
        let field: String
        let filename: String
        let data: Data
    }

    /// `maxBytes`: the body limit (`ExtractionSettings.maxRequestBytes`), larger than the 2 MiB
    /// of endpoints that take no images.
    static func read(_ request: Request, maxBytes: Int) async throws -> ImageRequest {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw VisageError.requestTooLarge(limit: maxBytes, setting: "VISAGE_MAX_REQUEST_BYTES")
        }
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            return try MultipartForm.parse(body, contentType: contentType)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw VisageError(.invalidJson, "the body must be a JSON object or multipart/form-data")
        }
        return ImageRequest(values: object, uploads: [])
    }

    init(values: [String: Any], uploads: [Upload]) {
        self.values = values
        self.uploads = uploads
    }

    /// The request's one image: exactly one of `image_url`, `image_base64`, `image_path` or an
    /// uploaded file. `allowPath`: whether this endpoint reads server-side files at all.
    func image(allowPath: Bool = true) throws -> ImageInput {
        var inputs: [ImageInput] = []
        if let url = try string("image_url") { inputs.append(.url(url)) }
        if let base64 = try string("image_base64") { inputs.append(.base64(base64)) }
        if allowPath, let path = try string("image_path") { inputs.append(.path(path)) }
        inputs += uploads.map { .bytes($0.data, filename: $0.filename) }
        let accepted = allowPath ? "image_url, image_base64, image_path or an uploaded file" : "image_url, image_base64 or an uploaded file"
        guard inputs.count == 1 else {
            throw VisageError(.invalidRequest, inputs.isEmpty ? "the request needs an image: \(accepted)"
                                                               : "the request has \(inputs.count) images; give exactly one of \(accepted)")
        }
        return inputs[0]
    }

    func string(_ key: String) throws -> String? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let text as String: return text
        default: throw VisageError(.invalidRequest, "\(key) must be a string")
        }
    }

    /// A JSON array (multipart forms have none).
    func array(_ key: String) throws -> [Any]? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let array as [Any]: return array
        default: throw VisageError(.invalidRequest, "\(key) must be an array")
        }
    }

    /// JSON `true`/`false`, or the text `true`, `false`, `1`, `0` from a form.
    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let number as NSNumber where Self.isBool(number): return number.boolValue
        case let text as String:
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: break
            }
        default: break
        }
        throw VisageError(.invalidRequest, "\(key) must be true or false")
    }

    /// A finite number (`NumberField`): JSON's `1e400` and a form's `nan` are refused.
    func double(_ key: String) throws -> Double? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let number as NSNumber where !Self.isBool(number): return try NumberField.finite(number.doubleValue, name: key)
        case let text as String: return try NumberField.double(text, name: key)
        default: throw VisageError(.invalidRequest, "\(key) must be a number")
        }
    }

    func int(_ key: String) throws -> Int? {
        try double(key).map { try NumberField.wholeNumber($0, name: key) }
    }

    /// Foundation's JSON parser gives `true` and `1` both as NSNumbers; a Bool's type code is `c`.
    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}

/// `multipart/form-data` (RFC 7578) bodies, parsed by MultipartKit.
enum MultipartForm {
    static func parse(_ body: ByteBuffer, contentType: String) throws -> ImageRequest {
        guard let boundary = HeaderParameters(contentType)["boundary"], !boundary.isEmpty, boundary.count <= 200 else {
            throw VisageError(.invalidMultipart, "a multipart/form-data body needs a boundary in its Content-Type")
        }
        var values: [String: Any] = [:], uploads: [ImageRequest.Upload] = []
        var headers: [(String, String)] = [], content = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { headers.append(($0, $1)) }
        parser.onBody = { content.writeBuffer(&$0) }
        parser.onPartComplete = {
            defer { headers = []; content = ByteBuffer() }
            guard let disposition = headers.first(where: { $0.0.lowercased() == "content-disposition" }),
                  let name = HeaderParameters(disposition.1)["name"] else { return }
            if let filename = HeaderParameters(disposition.1)["filename"] {
                uploads.append(ImageRequest.Upload(field: name, filename: filename, data: Data(buffer: content)))
            } else {
                values[name] = String(buffer: content)
            }
        }
        do {
            try parser.execute(body)
        } catch {
            throw VisageError(.invalidMultipart, "the multipart/form-data body is malformed")
        }
        return ImageRequest(values: values, uploads: uploads)
    }
}

/// The `key=value` parameters after a header's first `;`, such as `boundary` in a Content-Type
/// or `name` and `filename` in a Content-Disposition. Values may be quoted (with `\` escapes).
struct HeaderParameters {
    private var parameters: [String: String] = [:]

    init(_ header: String) {
        var characters = Substring(header)
        // Skip the value before the first ';' ("multipart/form-data", "form-data").
        guard let start = characters.firstIndex(of: ";") else { return }
        characters = characters[characters.index(after: start)...]
        while !characters.isEmpty {
            characters = characters.drop(while: { $0 == " " || $0 == "\t" || $0 == ";" })
            let key = characters.prefix(while: { $0 != "=" && $0 != ";" })
            characters = characters.dropFirst(key.count)
            guard characters.first == "=" else { continue }
            characters = characters.dropFirst()
            var value = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                while let next = characters.first, next != "\"" {
                    characters = characters.dropFirst()
                    if next == "\\", let escaped = characters.first {
                        value.append(escaped)
                        characters = characters.dropFirst()
                    } else {
                        value.append(next)
                    }
                }
                characters = characters.dropFirst()
            } else {
                let raw = characters.prefix(while: { $0 != ";" })
                characters = characters.dropFirst(raw.count)
                value = raw.trimmingCharacters(in: .whitespaces)
            }
            parameters[key.trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
    }

    subscript(key: String) -> String? { parameters[key] }
}
