import Foundation
import VisageCore

/// A reference face (seed 003): a face the user vouches for as `personName`, that media are
/// matched against. Several per person; inactive ones are kept but never matched.
public struct ReferenceFace: Sendable, Equatable {
    public var id: Int64
    public var personName: String
    public var embedding: [Float]
    public var embeddingModel: String
    /// Where the face came from: a server path, a URL without its query, an upload's filename,
    /// or the path of the stored image a `face_id` belongs to.
    public var referenceImagePath: String?
    /// The face in that image, in its displayed pixels.
    public var box: BoundingBox?
    /// The recognition library's face it was copied from, when it was added by `face_id`.
    public var sourceFaceID: Int64?
    public var quality: Double?
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, personName: String, embedding: [Float], embeddingModel: String, referenceImagePath: String?,
        box: BoundingBox?, sourceFaceID: Int64?, quality: Double?, isActive: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.personName = personName
        self.embedding = embedding
        self.embeddingModel = embeddingModel
        self.referenceImagePath = referenceImagePath
        self.box = box
        self.sourceFaceID = sourceFaceID
        self.quality = quality
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A reference face to add; the store gives it its id and times.
public struct NewReferenceFace: Sendable {
    public var personName: String
    public var embedding: [Float]
    public var embeddingModel: String
    public var referenceImagePath: String?
    public var box: BoundingBox?
    public var sourceFaceID: Int64?
    public var quality: Double?

    public init(
        personName: String, embedding: [Float], embeddingModel: String, referenceImagePath: String?, box: BoundingBox?,
        sourceFaceID: Int64? = nil, quality: Double? = nil
    ) {
        self.personName = personName
        self.embedding = embedding
        self.embeddingModel = embeddingModel
        self.referenceImagePath = referenceImagePath
        self.box = box
        self.sourceFaceID = sourceFaceID
        self.quality = quality
    }
}

/// One line of seed 003's audit trail: a reference change, a routing decision or a review
/// action, with who did it (an API key's id, or `cli`) when known. Kept apart from the people's
/// audit log, whose position reclustering watches.
public struct MediaAuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var action: String
    public var actor: String?
    /// A JSON document, keys sorted.
    public var detail: String?

    public init(id: Int64, at: Date, action: String, actor: String?, detail: String?) {
        self.id = id
        self.at = at
        self.action = action
        self.actor = actor
        self.detail = detail
    }
}

/// Where reference faces live. Each change writes its audit line in the same transaction.
public protocol ReferenceStore: Sendable {
    /// Adds the faces in one transaction, in order.
    func addReferences(_ faces: [NewReferenceFace], actor: String?) throws -> [ReferenceFace]
    /// References, oldest first: of one person when `personName` is given, only active ones when
    /// `activeOnly`.
    func references(personName: String?, activeOnly: Bool) throws -> [ReferenceFace]
    func reference(id: Int64) throws -> ReferenceFace?
    /// Sets `is_active` (and `updated_at`); the reference as it now is, nil when there is none.
    func setReferenceActive(id: Int64, _ active: Bool, actor: String?) throws -> ReferenceFace?
    /// Removes the reference; false when there was none.
    func deleteReference(id: Int64, actor: String?) throws -> Bool
    /// Seed 003's audit trail, newest first.
    func mediaAudit(limit: Int) throws -> [MediaAuditEntry]
    /// Appends a line to it (routing and review actions that change no reference).
    @discardableResult func appendMediaAudit(action: String, actor: String?, detailJSON: String?) throws -> MediaAuditEntry
}
