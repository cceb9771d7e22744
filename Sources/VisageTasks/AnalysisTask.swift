import Foundation
import VisageCore

/// One task of a request: an `operation_id` the result is keyed by, the operation `type` and its
/// `params`. The type and the parameters are kept as sent: an unknown type or a target the
/// operation does not take is that task's `error`, not the request's, so the other tasks still run.
public struct AnalysisTask: Sendable, Equatable, Decodable {
    public let operationID: String
    public let type: String
    public let target: String?
    public let faceContext: String?
    public let collectionID: Int?
    public let maxLength: Int?

    public init(
        operationID: String, type: String, target: String? = nil, faceContext: String? = nil, collectionID: Int? = nil,
        maxLength: Int? = nil
    ) {
        self.operationID = operationID
        self.type = type
        self.target = target
        self.faceContext = faceContext
        self.collectionID = collectionID
        self.maxLength = maxLength
    }

    enum CodingKeys: String, CodingKey {
        case operationID = "operation_id"
        case type, params
    }

    enum ParamKeys: String, CodingKey {
        case target
        case faceContext = "face_context"
        case collectionID = "collection_id"
        case maxLength = "max_length"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        operationID = try container.decode(String.self, forKey: .operationID)
        type = try container.decode(String.self, forKey: .type)
        if container.contains(.params), try !container.decodeNil(forKey: .params) {
            let params = try container.nestedContainer(keyedBy: ParamKeys.self, forKey: .params)
            target = try params.decodeIfPresent(String.self, forKey: .target)
            faceContext = try params.decodeIfPresent(String.self, forKey: .faceContext)
            collectionID = try params.decodeIfPresent(Int.self, forKey: .collectionID)
            maxLength = try params.decodeIfPresent(Int.self, forKey: .maxLength)
        } else {
            (target, faceContext, collectionID, maxLength) = (nil, nil, nil, nil)
        }
    }
}

/// The `tasks` list: its shape is checked as a whole, since the results are keyed by
/// `operation_id` and a request without usable tasks has nothing to answer.
public enum TaskList {
    /// Beyond this many tasks a request is refused: each may run a model on the image.
    public static let maxTasks = 64
    /// An `operation_id` is a key in the response, not a document.
    public static let maxOperationIDLength = 200

    /// Decodes a JSON array of tasks (`tasks_json` of the upload form), or `invalid_request`.
    public static func decode(json: Data) throws -> [AnalysisTask] {
        let tasks: [AnalysisTask]
        do {
            tasks = try JSONDecoder().decode([AnalysisTask].self, from: json)
        } catch let error as DecodingError {
            throw VisageError(.invalidRequest, "tasks must be a JSON array of tasks: \(describe(error))")
        } catch {
            throw VisageError(.invalidRequest, "tasks must be a JSON array of tasks")
        }
        try validate(tasks)
        return tasks
    }

    /// What is wrong with the list as a whole: none, too many, empty or repeated ids.
    public static func validate(_ tasks: [AnalysisTask]) throws {
        guard !tasks.isEmpty else { throw VisageError(.invalidRequest, "tasks must list at least one task") }
        guard tasks.count <= maxTasks else {
            throw VisageError(.invalidRequest, "tasks lists \(tasks.count) tasks; at most \(maxTasks) are allowed")
        }
        var seen = Set<String>()
        for task in tasks {
            guard !task.operationID.isEmpty, task.operationID.count <= maxOperationIDLength else {
                throw VisageError(.invalidRequest, "each operation_id must be 1 to \(maxOperationIDLength) characters")
            }
            guard seen.insert(task.operationID).inserted else {
                throw VisageError(.invalidRequest, "operation_id '\(task.operationID)' is used twice; results are keyed by it")
            }
        }
    }

    /// A decoding error in words a client can act on: which field, what was wrong.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)) is not valid"
        @unknown default:
            return "not valid"
        }
    }
}
