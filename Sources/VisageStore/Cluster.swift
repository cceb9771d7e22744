import Foundation
import GRDB

/// A group of faces believed to be one person, all embedded by the same model.
public struct Cluster: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cluster"

    /// `cluster_` followed by 12 hex digits.
    public internal(set) var id: String
    /// The person's name, once someone has given it.
    public internal(set) var name: String?
    public internal(set) var embeddingModel: String
    var centroidBlob: Data?
    /// Kept equal to the number of faces pointing at the cluster by every store operation.
    public internal(set) var faceCount: Int
    /// Shaped by the user (named, merged, split): reclustering keeps its members together and
    /// apart from other pinned clusters' members.
    public internal(set) var pinned: Bool
    public internal(set) var createdAt: Date
    public internal(set) var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name
        case embeddingModel = "embedding_model"
        case centroidBlob = "centroid"
        case faceCount = "face_count"
        case pinned
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    enum SQLColumns {
        static let id = Column(CodingKeys.id)
        static let name = Column(CodingKeys.name)
        static let embeddingModel = Column(CodingKeys.embeddingModel)
        static let faceCount = Column(CodingKeys.faceCount)
        static let createdAt = Column(CodingKeys.createdAt)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }

    /// The L2-normalised mean of the members' embeddings; nil while the cluster is empty.
    public internal(set) var centroid: [Float]? {
        get { centroidBlob.map(EmbeddingBlob.decode) }
        set { centroidBlob = newValue.map(EmbeddingBlob.encode) }
    }

    init(id: String, name: String?, embeddingModel: String, at date: Date) {
        self.id = id
        self.name = name
        self.embeddingModel = embeddingModel
        self.centroidBlob = nil
        self.faceCount = 0
        self.pinned = name != nil
        self.createdAt = date
        self.updatedAt = date
    }

    /// 48 random bits: short enough to read in a URL; the caller retries on the rare collision.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = generator.next() & 0xFFFF_FFFF_FFFF
        let hex = String(bits, radix: 16)
        return "cluster_" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
