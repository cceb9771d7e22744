import Foundation
import VisageClassifiers
import VisageCore
import VisageInput

/// One labelled example of a training request, as a JSON object with exactly one of:
/// `embedding` (raw: an array for a classifier of one embedding type, or an object of arrays by
/// type), `image_url`, `image_base64`, `image_path` (embedded here with the classifier's types),
/// or `image_id` (an image the server already encoded).
enum TrainingExample: Sendable {
    case embeddings(RawEmbedding)
    case image(ImageInput)
    case storedImage(String)

    /// A raw `embedding` as sent; which type a bare array is depends on the request's types.
    enum RawEmbedding: Sendable {
        case single([Float])
        case byType([String: [Float]])
    }

    var isImage: Bool {
        if case .image = self { return true }
        return false
    }

    static let fields = ["embedding", "image_url", "image_base64", "image_path", "image_id"]

    init(from decoder: any Decoder, name: String) throws {
        guard let fields = try? decoder.container(keyedBy: FieldKey.self) else {
            throw VisageError(.invalidRequest, "\(name) must be an object with one of \(Self.fields.joined(separator: ", "))")
        }
        let given = Self.fields.filter { fields.contains(FieldKey($0)) && (try? fields.decodeNil(forKey: FieldKey($0))) != true }
        guard given.count == 1, let field = given.first else {
            throw VisageError(
                .invalidRequest, "\(name) must have exactly one of \(Self.fields.joined(separator: ", ")); it has \(given.count)")
        }
        switch field {
        case "embedding":
            self = .embeddings(try Self.raw(fields, name: name))
        case "image_id":
            self = .storedImage(try TextField.imageID(try fields.text("image_id") ?? "", field: "\(name).image_id"))
        default:
            guard let value = try fields.text(field), !value.isEmpty else {
                throw VisageError(.invalidRequest, "\(name).\(field) must be a non-empty string")
            }
            self = .image(field == "image_url" ? .url(value) : field == "image_base64" ? .base64(value) : .path(value))
        }
    }

    private static func raw(_ fields: KeyedDecodingContainer<FieldKey>, name: String) throws -> RawEmbedding {
        let key = FieldKey("embedding")
        if let values = try? fields.decode([Double].self, forKey: key) {
            return .single(try floats(values, name: "\(name).embedding"))
        }
        if let byType = try? fields.decode([String: [Double]].self, forKey: key) {
            guard byType.count <= EmbeddingType.allCases.count else {
                throw VisageError(.invalidRequest, "\(name).embedding names \(byType.count) types; there are \(EmbeddingType.allCases.count)")
            }
            return .byType(try byType.mapValues { try floats($0, name: "\(name).embedding") })
        }
        throw VisageError(
            .invalidRequest, "\(name).embedding must be an array of numbers, or an object of arrays of numbers by embedding type")
    }

    private static func floats(_ values: [Double], name: String) throws -> [Float] {
        guard (1...ClassifierLimits.maxDimensions).contains(values.count) else {
            throw VisageError(.invalidRequest, "\(name) has \(values.count) values; 1 to \(ClassifierLimits.maxDimensions) are allowed")
        }
        let floats = values.map(Float.init)
        guard floats.allSatisfy(\.isFinite) else { throw VisageError(.invalidRequest, "\(name) holds a number a 32-bit float can't hold") }
        return floats
    }

    /// The raw embedding by type, checked against the classifier's `types`.
    static func resolve(_ raw: RawEmbedding, types: [EmbeddingType], name: String) throws -> [EmbeddingType: [Float]] {
        switch raw {
        case .single(let values):
            guard types.count == 1 else {
                throw VisageError(
                    .invalidRequest,
                    "\(name).embedding is one array, but this classifier uses \(types.map(\.rawValue).joined(separator: " + ")): "
                        + "send an object of arrays by type")
            }
            return [types[0]: values]
        case .byType(let byName):
            var parts: [EmbeddingType: [Float]] = [:]
            for (typeName, values) in byName { parts[try EmbeddingType(parsing: typeName)] = values }
            guard Set(parts.keys) == Set(types) else {
                throw VisageError(
                    .invalidRequest,
                    "\(name).embedding must hold exactly the types \(types.map(\.rawValue).joined(separator: ", ")); it holds "
                        + byName.keys.sorted().joined(separator: ", "))
            }
            return parts
        }
    }
}

/// A list of examples (`positives` or `negatives`), each decoded with its place in its name.
struct TrainingExampleList: Decodable {
    let examples: [TrainingExample]

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? "examples"
        guard var list = try? decoder.unkeyedContainer() else {
            throw VisageError(.invalidRequest, "\(name) must be a list of examples")
        }
        var examples: [TrainingExample] = []
        while !list.isAtEnd {
            guard examples.count < ClassifierLimits.maxExamples else {
                throw VisageError(.invalidRequest, "\(name) has more than \(ClassifierLimits.maxExamples) examples")
            }
            let itemName = "\(name)[\(examples.count)]"
            examples.append(try TrainingExample(from: try list.superDecoder(), name: itemName))
        }
        self.examples = examples
    }
}
