import Foundation
import GRDB
import VisageStorage

/// A row of the `cluster` table; the store hands out `Cluster` values.
struct ClusterRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "cluster"

    var id: String
    var name: String?
    var embeddingModel: String
    var centroidBlob: Data?
    var faceCount: Int
    var pinned: Bool
    var createdAt: Date
    var updatedAt: Date

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

    init(_ cluster: Cluster) {
        (id, name, embeddingModel) = (cluster.id, cluster.name, cluster.embeddingModel)
        centroidBlob = cluster.centroid.map(EmbeddingBlob.encode)
        (faceCount, pinned, createdAt, updatedAt) = (cluster.faceCount, cluster.pinned, cluster.createdAt, cluster.updatedAt)
    }

    var value: Cluster {
        Cluster(
            id: id, name: name, embeddingModel: embeddingModel, centroid: centroidBlob.map(EmbeddingBlob.decode),
            faceCount: faceCount, pinned: pinned, createdAt: createdAt, updatedAt: updatedAt)
    }
}
