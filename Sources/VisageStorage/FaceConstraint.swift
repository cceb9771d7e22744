import Foundation

/// A user's decision that clustering must respect.
public enum ConstraintKind: String, Sendable, Hashable, Codable {
    /// "Not this person": the face must not be grouped with the target.
    case cannotLink = "cannot_link"
    /// "This is the person": the face must be grouped with the target.
    case mustLink = "must_link"

    package var opposite: ConstraintKind {
        self == .cannotLink ? .mustLink : .cannotLink
    }
}

/// What a constraint links a face to.
public enum ConstraintTarget: Sendable, Hashable {
    case face(Int64)
    case cluster(String)
    /// A person by name, whatever cluster they end up in.
    case person(String)
}

/// A user's decision about one face: it must (not) be grouped with another face, a cluster or a
/// named person.
public struct FaceConstraint: Sendable, Hashable {
    public var id: Int64
    public var kind: ConstraintKind
    public var faceID: Int64
    public var target: ConstraintTarget
    public var createdAt: Date

    public init(id: Int64, kind: ConstraintKind, faceID: Int64, target: ConstraintTarget, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.faceID = faceID
        self.target = target
        self.createdAt = createdAt
    }
}
