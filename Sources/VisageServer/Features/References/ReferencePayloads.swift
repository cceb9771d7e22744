import Foundation
import VisageReferences
import VisageStorage

/// A reference face as the API shows it (never its embedding); dates in ISO 8601.
public struct ReferencePayload: Encodable {
    let id: Int64
    let personName: String
    let embeddingModel: String
    let referenceImagePath: String?
    let bbox: [Double]?
    let sourceFaceID: Int64?
    let quality: Double?
    let isActive: Bool
    let createdAt: String
    let updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, bbox, quality
        case personName = "person_name", embeddingModel = "embedding_model", referenceImagePath = "reference_image_path"
        case sourceFaceID = "source_face_id", isActive = "is_active", createdAt = "created_at", updatedAt = "updated_at"
    }

    public init(_ reference: ReferenceFace) {
        let format = Date.ISO8601FormatStyle()
        (id, personName, embeddingModel) = (reference.id, reference.personName, reference.embeddingModel)
        referenceImagePath = reference.referenceImagePath
        bbox = reference.box.map { [$0.x, $0.y, $0.width, $0.height].map(FacePayload.pixels) }
        sourceFaceID = reference.sourceFaceID
        quality = reference.quality.map { FacePayload.rounded($0, places: 3) }
        isActive = reference.isActive
        createdAt = reference.createdAt.formatted(format)
        updatedAt = reference.updatedAt.formatted(format)
    }

    /// Written by hand so unknown values appear as null.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(personName, forKey: .personName)
        try container.encode(embeddingModel, forKey: .embeddingModel)
        try container.encode(referenceImagePath, forKey: .referenceImagePath)
        try container.encode(bbox, forKey: .bbox)
        try container.encode(sourceFaceID, forKey: .sourceFaceID)
        try container.encode(quality, forKey: .quality)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// `POST /references`: 201 with the new ids, as the clients expect, and the references.
public struct AddedReferencesPayload: Encodable {
    let referenceIDs: [Int64]
    let personName: String
    let references: [ReferencePayload]

    enum CodingKeys: String, CodingKey { case referenceIDs = "reference_ids", personName = "person_name", references }

    public init(_ added: [ReferenceFace], personName: String) {
        referenceIDs = added.map(\.id)
        self.personName = personName
        references = added.map(ReferencePayload.init)
    }
}

/// `GET /references`: the references, and per person how many are active (the seed's audit
/// query).
struct ReferenceListPayload: Encodable {
    struct Person: Encodable {
        let personName: String
        let active: Int
        let total: Int

        enum CodingKeys: String, CodingKey { case personName = "person_name", active, total }
    }

    let references: [ReferencePayload]
    let count: Int
    let people: [Person]

    init(_ references: [ReferenceFace]) {
        self.references = references.map(ReferencePayload.init)
        count = references.count
        people = Dictionary(grouping: references, by: \.personName).map { name, faces in
            Person(personName: name, active: faces.filter(\.isActive).count, total: faces.count)
        }.sorted { $0.personName < $1.personName }
    }
}

struct DeletedReferencePayload: Encodable {
    let deleted = true
    let referenceID: Int64

    enum CodingKeys: String, CodingKey { case deleted, referenceID = "reference_id" }
}

/// Seed 003's `check_image` result: `has_match`, `person_name`, `confidence`, `face_count`,
/// `faces`; plus the tolerance used and, for a video, what was sampled.
public struct CheckPayload: Encodable {
    struct Face: Encodable {
        let face: CheckedFace

        enum CodingKeys: String, CodingKey {
            case bbox, confidence, distance, quality, frames
            case personName = "person_name", nearestPerson = "nearest_person"
            case time = "time_s", startTime = "start_s", endTime = "end_s"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let box = face.box
            try container.encode([box.x, box.y, box.width, box.height].map(FacePayload.pixels), forKey: .bbox)
            try container.encode(face.personName, forKey: .personName)
            try container.encode(face.confidence.map { FacePayload.rounded($0, places: 4) }, forKey: .confidence)
            try container.encode(face.distance.map { FacePayload.rounded($0, places: 4) }, forKey: .distance)
            try container.encode(face.nearestPerson, forKey: .nearestPerson)
            try container.encode(face.quality.map { FacePayload.rounded($0, places: 3) }, forKey: .quality)
            try container.encodeIfPresent(face.time.map { FacePayload.rounded($0, places: 3) }, forKey: .time)
            try container.encodeIfPresent(face.startTime.map { FacePayload.rounded($0, places: 3) }, forKey: .startTime)
            try container.encodeIfPresent(face.endTime.map { FacePayload.rounded($0, places: 3) }, forKey: .endTime)
            try container.encodeIfPresent(face.frames, forKey: .frames)
        }
    }

    struct Video: Encodable {
        let durationSeconds: Double
        let framesAnalysed: Int
        let appearances: [Appearance]

        enum CodingKeys: String, CodingKey { case durationSeconds = "duration_s", framesAnalysed = "frames_analysed", appearances }
    }

    struct Appearance: Encodable {
        let personName: String
        let start: Double
        let end: Double
        let frames: Int

        enum CodingKeys: String, CodingKey { case personName = "person_name", start = "start_s", end = "end_s", frames }

        init(_ appearance: PersonAppearance) {
            personName = appearance.personName
            start = FacePayload.rounded(appearance.start, places: 3)
            end = FacePayload.rounded(appearance.end, places: 3)
            frames = appearance.frames
        }
    }

    let result: CheckResult
    let mediaType: String
    /// The checked file, in the CLI's lines.
    let filePath: String?

    public init(result: CheckResult, mediaType: String, filePath: String? = nil) {
        self.result = result
        self.mediaType = mediaType
        self.filePath = filePath
    }

    enum CodingKeys: String, CodingKey {
        case hasMatch = "has_match", personName = "person_name", confidence, faceCount = "face_count", faces, tolerance
        case mediaType = "media_type", video, filePath = "file_path"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(filePath, forKey: .filePath)
        try container.encode(result.hasMatch, forKey: .hasMatch)
        try container.encode(result.personName, forKey: .personName)
        try container.encode(FacePayload.rounded(result.confidence, places: 4), forKey: .confidence)
        try container.encode(result.faceCount, forKey: .faceCount)
        try container.encode(result.faces.map(Face.init), forKey: .faces)
        try container.encode(result.tolerance, forKey: .tolerance)
        try container.encode(mediaType, forKey: .mediaType)
        try container.encodeIfPresent(
            result.video.map {
                Video(
                    durationSeconds: FacePayload.rounded($0.duration, places: 3), framesAnalysed: $0.framesAnalysed,
                    appearances: result.appearances.map(Appearance.init))
            },
            forKey: .video)
    }
}
