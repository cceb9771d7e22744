/// One face as the clustering algorithms see it: identity vector plus the facts that constrain
/// which faces may share a person.
public struct FaceNode: Sendable {
    public var id: Int64
    /// Faces from the same photo are never the same person unless the user says so.
    public var imageID: String
    /// L2-normalised embedding.
    public var embedding: [Float]
    /// Who the user (or an XMP label) says this face is: a person's name, or any other key the
    /// caller uses for a user-shaped group (the recognition service uses a pinned cluster's id).
    /// Faces with the same identity belong together, faces with different identities never do.
    public var identity: String?
    /// Identities this face must not be given ("not this person" corrections).
    public var forbiddenIdentities: Set<String>
    /// `FaceQuality.score`; nil (unknown) counts as good. A face below
    /// `ClusteringParameters.minQuality` may join a person but never found or bridge one.
    public var quality: Double?

    public init(
        id: Int64, imageID: String, embedding: [Float], identity: String? = nil, forbiddenIdentities: Set<String> = [],
        quality: Double? = nil
    ) {
        self.id = id
        self.imageID = imageID
        self.embedding = embedding
        self.identity = identity
        self.forbiddenIdentities = forbiddenIdentities
        self.quality = quality
    }
}
