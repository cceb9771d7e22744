import Foundation

/// Request limits: seed 004's for `POST /extract-faces`, with the seed's environment variables,
/// and the body limit of every endpoint that takes images.
public struct ExtractionSettings: Sendable {
    /// `MAX_IMAGES_PER_REQUEST` (default 100).
    public var maxImagesPerRequest: Int
    /// `MIN_FACE_SIZE` (default 20): the default of the request's `min_face_size`.
    public var minFaceSize: Double
    /// `REQUEST_TIMEOUT` seconds (default 180): past it the caller gets 408 `request_timeout`.
    public var requestTimeout: Double
    /// The default of the request's `similarity_threshold` (seed: 0.4).
    public var similarityThreshold: Double
    /// `VISAGE_MAX_REQUEST_BYTES` (default 128 MiB): the largest body an endpoint that takes
    /// images (uploads, base64) reads; larger is 413 `request_too_large`. Other endpoints keep
    /// 2 MiB. Each image within is further held to `VISAGE_MAX_IMAGE_BYTES`.
    public var maxRequestBytes: Int

    public init(maxImagesPerRequest: Int = 100, minFaceSize: Double = 20, requestTimeout: Double = 180,
                similarityThreshold: Double = 0.4, maxRequestBytes: Int = 128 * 1024 * 1024) {
        self.maxRequestBytes = maxRequestBytes
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
        if let value = environment["VISAGE_MAX_REQUEST_BYTES"].flatMap(Int.init), value > 0 { settings.maxRequestBytes = value }
        return settings
    }
}
