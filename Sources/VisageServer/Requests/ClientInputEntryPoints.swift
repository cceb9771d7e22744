import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import VisageAccess
import VisageCore
import VisageRecognition
import VisageStorage
import VisageXMP

/// The server's decoders as plain functions of a client's bytes, for the fuzz targets
/// (`visage-fuzz`) and their regression replay in the tests. Each runs the decoding and the
/// checks a route runs before it does any work, and stops there; refusing the input is the
/// expected outcome. What the routes do differently from a plain function (collecting the body,
/// the request's headers) is left out, nothing else.
package enum ClientInputEntryPoints {
    /// The body of every endpoint that takes images, as each of their request types reads it.
    /// A refusal that is not a `VisageError` would reach the client without a stable code.
    package static func imageRequestBody(_ body: Data, contentType: String) {
        let buffer = ByteBuffer(bytes: body)
        func decode(_ type: (some ImageRequestBody).Type) {
            do {
                _ = try RequestBodyReader.decode(type, from: buffer, contentType: contentType)
            } catch {
                precondition(error is VisageError, "\(type) refused a body without an error code: \(error)")
            }
        }
        decode(DetectBody.self)
        decode(ExtractBody.self)
        decode(FaceDatabaseAddBody.self)
        decode(FaceDatabaseSearchBody.self)
        decode(FaceSearchBody.self)
        decode(AnalyzeImageBody.self)
        decode(AnalyzeUploadBody.self)
    }

    /// The JSON bodies read by `Request.decodeJSON`, and what their routes check before any work.
    package static func jsonRequestBody(_ body: Data) {
        let buffer = ByteBuffer(bytes: body)
        if let recognize = try? decodeJSON(RecognizeBody.self, buffer), let given = recognize.orientation {
            let request = RecognizeRequest(
                imageID: recognize.imageID, imagePath: recognize.imagePath, orientation: given, xmpRegions: recognize.xmpRegions)
            if let (orientation, _) = try? request.validated(), let regions = recognize.xmpRegions {
                _ = displayed(RegionSourcePolicy.resolve(regions.xmpRegions).regions, orientation: orientation)
            }
        }
        _ = try? decodeJSON(NameClusterBody.self, buffer)
        _ = try? decodeJSON(RenameBody.self, buffer)
        _ = try? decodeJSON(CorrectBody.self, buffer)
        _ = try? decodeJSON(MergeBody.self, buffer)
        _ = try? decodeJSON(SplitBody.self, buffer)
        _ = try? decodeJSON(RejectSuggestionBody.self, buffer)
        _ = try? SubmitJobBody.parse(body)
        if let key = try? decodeJSON(CreateKeyBody.self, buffer) {
            _ = try? Set<Scope>(parsing: key.scopes)
            _ = try? TextField.name(key.name)
        }
    }

    /// A query string (without the `?`) as the routes read theirs.
    package static func queryString(_ query: String) {
        let uri = URI("/faces/1/crop?" + query)
        _ = try? uri.queryDouble("size").map {
            try NumberField.integer($0, name: "size", in: 16...1024, message: "size must be from 16 to 1024 pixels")
        }
        _ = try? uri.queryDouble("min_similarity")
        _ = try? PeopleParameters.similarLimit(try uri.queryDouble("limit"))
        _ = try? uri.queryString("cluster_id").map { try TextField.clusterID($0) }
        _ = try? uri.queryString("person_name").map { try TextField.name($0, field: "person_name") }
        _ = try? FaceDatabaseParameters.collection(uri.queryString("collection"))
    }

    /// As Hummingbird's request decoder (`RequestContext.requestDecoder`) decodes, then validated.
    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let body = try decoder.decode(type, from: buffer)
        try (body as? any ValidatedBody)?.validate()
        return body
    }
}
