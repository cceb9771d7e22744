/// What one task produced (seed 001's `OperationResult`).
public struct TaskResult: Sendable, Equatable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case success, error, skipped
    }

    /// The operation's answer: a box, an embedding, a description, a classification, or nothing.
    public enum Payload: Sendable, Equatable, Encodable {
        case box(PixelBox)
        case vector([Float])
        case text(String)
        /// `classify`: `{"is_in_collection": true, "probability": 0.95}`.
        case classification(isInCollection: Bool, probability: Double)

        private enum ClassificationKeys: String, CodingKey {
            case isInCollection = "is_in_collection"
            case probability
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .box(let box):
                var container = encoder.singleValueContainer()
                try container.encode(box)
            case .vector(let vector):
                var container = encoder.singleValueContainer()
                try container.encode(vector)
            case .text(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .classification(let isInCollection, let probability):
                var container = encoder.container(keyedBy: ClassificationKeys.self)
                try container.encode(isInCollection, forKey: .isInCollection)
                try container.encode(probability, forKey: .probability)
            }
        }
    }

    public var status: Status
    public var data: Payload?
    /// The box the image was cropped to for this task, when it was cropped.
    public var croppedImageBox: PixelBox?
    /// That crop as a base64 PNG.
    public var croppedImageBase64: String?
    public var errorMessage: String?

    public static func success(_ data: Payload?, crop: ImageCrop? = nil) -> TaskResult {
        TaskResult(status: .success, data: data, croppedImageBox: crop?.box, croppedImageBase64: crop?.pngBase64, errorMessage: nil)
    }

    public static func error(_ message: String) -> TaskResult {
        TaskResult(status: .error, data: nil, croppedImageBox: nil, croppedImageBase64: nil, errorMessage: message)
    }

    enum CodingKeys: String, CodingKey {
        case status, data
        case croppedImageBox = "cropped_image_bbox"
        case croppedImageBase64 = "cropped_image_base64"
        case errorMessage = "error_message"
    }

    /// Every key is written, `null` where there is nothing, as the seed's responses show.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(data, forKey: .data)
        try container.encode(croppedImageBox, forKey: .croppedImageBox)
        try container.encode(croppedImageBase64, forKey: .croppedImageBase64)
        try container.encode(errorMessage, forKey: .errorMessage)
    }
}
