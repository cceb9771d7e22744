import Foundation

/// Seed 004's limits for `POST /extract-faces`, with the seed's environment variables.
public struct ExtractionSettings: Sendable {
    /// `MAX_IMAGES_PER_REQUEST` (default 100).
    public var maxImagesPerRequest: Int
    /// `MIN_FACE_SIZE` (default 20): the default of the request's `min_face_size`.
    public var minFaceSize: Double
    /// `REQUEST_TIMEOUT` seconds (default 180): past it the caller gets 408 `request_timeout`.
    public var requestTimeout: Double
    /// The default of the request's `similarity_threshold` (seed: 0.4).
    public var similarityThreshold: Double

    public init(maxImagesPerRequest: Int = 100, minFaceSize: Double = 20, requestTimeout: Double = 180,
                similarityThreshold: Double = 0.4) {
        self.maxImagesPerRequest = maxImagesPerRequest
        self.minFaceSize = minFaceSize
        self.requestTimeout = requestTimeout
        self.similarityThreshold = similarityThreshold
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ExtractionSettings {
        var settings = ExtractionSettings()
        if let value = environment["MAX_IMAGES_PER_REQUEST"].flatMap(Int.init), value > 0 { settings.maxImagesPerRequest = value }
        if let value = environment["MIN_FACE_SIZE"].flatMap(Double.init), value >= 0 { settings.minFaceSize = value }
        if let value = environment["REQUEST_TIMEOUT"].flatMap(Double.init), value > 0 { settings.requestTimeout = value }
        return settings
    }
}
