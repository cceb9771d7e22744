import VisageTasks

/// The answer of both analyse routes: `{"image_url", "results": {operation_id: result}}`;
/// `image_url` is `uploaded:<filename>` for an upload, as the seed says.
struct AnalyzeImagePayload: Encodable {
    let imageURL: String
    let results: [String: TaskResult]

    init(imageURL: String, results: [(operationID: String, result: TaskResult)]) {
        self.imageURL = imageURL
        self.results = Dictionary(results.map { ($0.operationID, $0.result) }, uniquingKeysWith: { first, _ in first })
    }

    enum CodingKeys: String, CodingKey {
        case imageURL = "image_url"
        case results
    }
}

/// `GET /available_operations/`: each operation's description and targets, as the seed lists
/// them, and whether this server can run it now (`available`, and `unavailable_reason`: what to
/// install).
struct AvailableOperationsPayload: Encodable {
    struct Operation: Encodable {
        let description: String
        let allowedTargets: [String]
        let defaultTarget: String
        let available: Bool
        let unavailableReason: String?

        enum CodingKeys: String, CodingKey {
            case description, available
            case allowedTargets = "allowed_targets"
            case defaultTarget = "default_target"
            case unavailableReason = "unavailable_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(description, forKey: .description)
            try container.encode(allowedTargets, forKey: .allowedTargets)
            try container.encode(defaultTarget, forKey: .defaultTarget)
            try container.encode(available, forKey: .available)
            try container.encode(unavailableReason, forKey: .unavailableReason)
        }
    }

    let operations: [String: Operation]

    init(models: TaskModels) {
        var operations: [String: Operation] = [:]
        for operation in TaskOperation.allCases {
            let reason = models.unavailability(of: operation)
            operations[operation.rawValue] = Operation(
                description: operation.description, allowedTargets: operation.allowedTargets.map(\.rawValue),
                defaultTarget: operation.defaultTarget.rawValue, available: reason == nil, unavailableReason: reason)
        }
        self.operations = operations
    }
}
