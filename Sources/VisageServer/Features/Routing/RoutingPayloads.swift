import Foundation
import VisageReferences
import VisageRouting
import VisageStorage

/// `PUT /api/settings/face-recognition`: the fields to change; the others keep their values.
/// An empty string clears a folder or `person_name`.
struct RoutingSettingsBody: Decodable {
    let enabled: Bool?
    let tolerance: Double?
    let personName: String?
    let destinationPath: String?
    let reviewPath: String?
    let inboxPath: String?

    enum CodingKeys: String, CodingKey {
        case enabled, tolerance
        case personName = "person_name", destinationPath = "destination_path", reviewPath = "review_path", inboxPath = "inbox_path"
    }

    func applied(to current: FaceRoutingSettings) throws -> FaceRoutingSettings {
        var settings = current
        if let enabled { settings.enabled = enabled }
        if let tolerance { settings.tolerance = tolerance }
        if let personName { settings.personName = try TextField.name(personName, field: "person_name") }
        if let destinationPath { settings.destinationPath = destinationPath }
        if let reviewPath { settings.reviewPath = reviewPath }
        if let inboxPath { settings.inboxPath = inboxPath }
        return settings
    }
}

/// The settings as stored, every field present (null when unset).
struct RoutingSettingsPayload: Encodable {
    let settings: FaceRoutingSettings

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: RoutingSettingsBody.CodingKeys.self)
        try container.encode(settings.enabled, forKey: .enabled)
        try container.encode(settings.tolerance, forKey: .tolerance)
        try container.encode(settings.personName, forKey: .personName)
        try container.encode(settings.destinationPath, forKey: .destinationPath)
        try container.encode(settings.reviewPath, forKey: .reviewPath)
        try container.encode(settings.inboxPath, forKey: .inboxPath)
    }
}

/// `POST /media/route`: seed 003's move module's answer.
public struct RouteOutcomePayload: Encodable {
    let outcome: RouteOutcome
    let filePath: String

    public init(outcome: RouteOutcome, filePath: String) {
        self.outcome = outcome
        self.filePath = filePath
    }

    enum CodingKeys: String, CodingKey {
        case hasMatch = "has_match", personName = "person_name", confidence, faceCount = "face_count", movedTo = "moved_to"
        case duplicate, duplicateOf = "duplicate_of", mediaType = "media_type", filePath = "file_path", error, check
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let check = outcome.check
        try container.encode(filePath, forKey: .filePath)
        try container.encode(outcome.duplicate ? nil : check?.hasMatch ?? false, forKey: .hasMatch)
        try container.encode(check?.personName, forKey: .personName)
        try container.encode(check.map { FacePayload.rounded($0.confidence, places: 4) } ?? 0, forKey: .confidence)
        try container.encode(check?.faceCount ?? 0, forKey: .faceCount)
        try container.encode(outcome.movedTo, forKey: .movedTo)
        try container.encode(outcome.duplicate, forKey: .duplicate)
        try container.encodeIfPresent(outcome.duplicateOf, forKey: .duplicateOf)
        try container.encode(outcome.mediaType, forKey: .mediaType)
        try container.encode(outcome.analysisError.map { ["code": $0.code, "message": $0.message] }, forKey: .error)
    }
}
