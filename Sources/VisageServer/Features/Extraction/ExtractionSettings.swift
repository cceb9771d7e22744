import Foundation
import VisageCore

/// Request limits: seed 004's for `POST /extract-faces`, with the seed's environment variables,
/// and the body limit of every endpoint that takes images.
public struct ExtractionSettings: Sendable {
    /// `MAX_IMAGES_PER_REQUEST` (default 100).
    public var maxImagesPerRequest: Int
    /// `MIN_FACE_SIZE` (default 20): the default of the request's `min_face_size`.
    public var minFaceSize: Double
    /// `REQUEST_TIMEOUT` seconds (default 180): past it the caller gets 408 `request_timeout`.
    public var requestTimeout: Double
    /// The default of the request's `similarity_threshold`; nil: the embedding model's
    /// calibrated same-person threshold (`ClusteringParameters.samePersonSimilarity`: the seed's
    /// 0.4 for ArcFace-family packs).
    public var similarityThreshold: Double?
    /// `VISAGE_MAX_REQUEST_BYTES` (default 128 MiB): the largest body an endpoint that takes
    /// images (uploads, base64) reads; larger is 413 `request_too_large`. Other endpoints keep
    /// 2 MiB. Each image within is further held to `VISAGE_MAX_IMAGE_BYTES`.
    public var maxRequestBytes: Int

    public init(
        maxImagesPerRequest: Int = 100, minFaceSize: Double = 20, requestTimeout: Double = 180,
        similarityThreshold: Double? = nil, maxRequestBytes: Int = 128 * 1024 * 1024
    ) {
        self.maxRequestBytes = maxRequestBytes
        self.maxImagesPerRequest = maxImagesPerRequest
        self.minFaceSize = minFaceSize
        self.requestTimeout = requestTimeout
        self.similarityThreshold = similarityThreshold
    }

    /// Throws `invalid_configuration` for a value that doesn't parse or is out of range (a
    /// timeout is at most a day, so it converts to nanoseconds without overflow).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ExtractionSettings {
        let values = EnvironmentSettings(environment)
        var settings = ExtractionSettings()
        if let value = try values.integer("MAX_IMAGES_PER_REQUEST", in: 1...10_000) { settings.maxImagesPerRequest = value }
        if let value = try values.number("MIN_FACE_SIZE", in: 0...100_000) { settings.minFaceSize = value }
        if let value = try values.number("REQUEST_TIMEOUT", in: 0.001...86_400) { settings.requestTimeout = value }
        if let value = try values.integer("VISAGE_MAX_REQUEST_BYTES", in: 1...(64 << 30)) { settings.maxRequestBytes = value }
        return settings
    }
}
