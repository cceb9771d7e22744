/// One face as the clustering algorithms see it: identity vector plus the facts that constrain
/// which faces may share a person.
public struct FaceNode: Sendable {
    public var id: Int64
    /// Faces from the same photo are never the same person unless the user says so.
    public var imageID: String
    /// L2-normalised embedding.
    public var embedding: [Float]
    /// A name the user or an XMP label gave this face: faces with the same name belong together,
    /// faces with different names never do.
    public var name: String?
    /// Names this face must not be given ("not this person" corrections).
    public var forbiddenNames: Set<String>

    public init(id: Int64, imageID: String, embedding: [Float], name: String? = nil, forbiddenNames: Set<String> = []) {
        self.id = id
        self.imageID = imageID
        self.embedding = embedding
        self.name = name
        self.forbiddenNames = forbiddenNames
    }
}
