import Foundation

/// A group of faces believed to be one person, all embedded by the same model.
public struct Cluster: Sendable, Hashable {
    /// `cluster_` followed by 12 hex digits.
    public var id: String
    /// The person's name, once someone has given it.
    public var name: String?
    public var embeddingModel: String
    /// The L2-normalised mean of the members' embeddings; nil while the cluster is empty.
    public var centroid: [Float]?
    /// Kept equal to the number of faces pointing at the cluster by every store operation.
    public var faceCount: Int
    /// Shaped by the user (named, merged, split): reclustering keeps its members together and
    /// apart from other pinned clusters' members.
    public var pinned: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String?, embeddingModel: String, centroid: [Float]?, faceCount: Int, pinned: Bool,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.embeddingModel = embeddingModel
        self.centroid = centroid
        self.faceCount = faceCount
        self.pinned = pinned
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A new, empty cluster; a named one is pinned (naming is a user decision).
    package init(id: String, name: String?, embeddingModel: String, at date: Date) {
        self.init(
            id: id, name: name, embeddingModel: embeddingModel, centroid: nil, faceCount: 0, pinned: name != nil,
            createdAt: date, updatedAt: date)
    }

    /// 48 random bits: short enough to read in a URL; the caller retries on the rare collision.
    package static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = generator.next() & 0xFFFF_FFFF_FFFF
        let hex = String(bits, radix: 16)
        return "cluster_" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
