import Foundation
import Hummingbird
import NIOCore
import VisageCore

/// A request type an endpoint that takes images decodes its body into, JSON or multipart alike.
typealias ImageRequestBody = ValidatedBody

/// Reads the body of an endpoint that takes images into its request type, from either body an
/// API client is likely to send:
///
/// - JSON: `{"image_url": ...}`, `{"image_base64": ...}` or `{"image_path": ...}`, plus fields;
/// - `multipart/form-data`: the image as a file part (any part with a filename), plus fields as
///   text parts, as `curl -F image=@photo.jpg -F image_id=42` sends them.
///
/// Both decode with one `JSONDecoder`: a form's text fields become a JSON object of strings
/// (which `FieldKey`'s readers accept wherever a number or flag is expected) and its files go
/// through `userInfo` to `ImageField`. MultipartKit's `FormDataDecoder` is not used for the
/// fields because it keeps only the last of several parts with one name, and a batch of
/// uploads (`-F images=@a.jpg -F images=@b.jpg`) must keep them all.
enum RequestBodyReader {
    static let uploadsKey = CodingUserInfoKey(rawValue: "visage.uploads")!

    /// `maxBytes`: the body limit (`ExtractionSettings.maxRequestBytes`), larger than the 2 MiB
    /// of endpoints that take no images.
    static func read<Body: ImageRequestBody>(_ type: Body.Type, from request: Request, maxBytes: Int) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw VisageError.requestTooLarge(limit: maxBytes, setting: "VISAGE_MAX_REQUEST_BYTES")
        }
        return try decode(type, from: buffer, contentType: request.headers[.contentType] ?? "")
    }

    /// The collected body as `type`, read by its Content-Type (JSON unless multipart/form-data).
    /// Every failure is a `VisageError` (the fields' own, or `invalid_multipart`/`invalid_json`).
    static func decode<Body: ImageRequestBody>(_ type: Body.Type, from buffer: ByteBuffer, contentType: String) throws -> Body {
        let decoder = JSONDecoder()
        let json: Data
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            let form = try MultipartForm.parse(buffer, contentType: contentType)
            json = try JSONEncoder().encode(form.fields)
            decoder.userInfo[uploadsKey] = form.uploads
        } else {
            json = Data(buffer: buffer)
        }
        let body: Body
        do {
            body = try decoder.decode(Body.self, from: json)
        } catch let error as VisageError {
            throw error
        } catch {
            // The fields' own readers name a field of the wrong type; what is left is the shape.
            throw VisageError(.invalidJson, "the body must be a JSON object or multipart/form-data")
        }
        try body.validate()
        return body
    }
}
