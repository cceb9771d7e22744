import Foundation
import GRDB
import VisageCore

/// The store's operations inside one open transaction; see `FaceStore.transaction(_:)`. Valid
/// only inside the closure it is passed to.
public struct FaceStoreTransaction {
    let db: Database

    // MARK: Images

    public func image(imageID: String) throws -> StoredImage? {
        try StoredImage.filter(StoredImage.SQLColumns.imageID == imageID).fetchOne(db)
    }

    // MARK: Faces

    public func face(id: Int64) throws -> StoredFace? {
        try StoredFace.fetchOne(db, key: id)
    }

    /// The faces of an image, in id order; empty when the image is unknown.
    public func faces(imageID: String) throws -> [StoredFace] {
        guard let image = try image(imageID: imageID) else { return [] }
        return try faces(imageRowID: image.id)
    }

    func faces(imageRowID: Int64) throws -> [StoredFace] {
        try StoredFace.filter(StoredFace.SQLColumns.imageRowID == imageRowID).order(StoredFace.SQLColumns.id).fetchAll(db)
    }

    public func faces(inCluster clusterID: String) throws -> [StoredFace] {
        try StoredFace.filter(StoredFace.SQLColumns.clusterID == clusterID).order(StoredFace.SQLColumns.id).fetchAll(db)
    }

    /// Every face embedded by `embeddingModel`, in id order.
    public func faces(embeddingModel: String) throws -> [StoredFace] {
        try StoredFace.filter(StoredFace.SQLColumns.embeddingModel == embeddingModel).order(StoredFace.SQLColumns.id).fetchAll(db)
    }

    /// The caller's image id for each of the given faces (faces that don't exist are left out).
    public func imageIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT face.id, image.image_id FROM face JOIN image ON image.id = face.image_row_id
            WHERE face.id IN (\(databaseQuestionMarks(count: faceIDs.count)))
            """, arguments: StatementArguments(faceIDs))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0[1] as String) })
    }

    /// Calls `body` with each face's id and embedding, without decoding the rest of the row.
    /// The fast path for filling a vector index.
    public func forEachEmbedding(embeddingModel: String, _ body: (Int64, [Float]) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, embedding FROM face WHERE embedding_model = ? ORDER BY id",
                                       arguments: [embeddingModel])
        while let row = try rows.next() {
            try body(row[0], EmbeddingBlob.decode(row[1]))
        }
    }

    // MARK: Clusters

    public func cluster(id: String) throws -> Cluster? {
        try Cluster.fetchOne(db, key: id)
    }

    /// Every cluster, oldest first.
    public func clusters() throws -> [Cluster] {
        try Cluster.order(Cluster.SQLColumns.createdAt, Cluster.SQLColumns.id).fetchAll(db)
    }

    public func clusters(named name: String) throws -> [Cluster] {
        try Cluster.filter(Cluster.SQLColumns.name == name).order(Cluster.SQLColumns.createdAt, Cluster.SQLColumns.id).fetchAll(db)
    }

    // MARK: Helpers for the operations

    func existingCluster(_ id: String) throws -> Cluster {
        guard let cluster = try cluster(id: id) else { throw StoreErrors.clusterNotFound(id) }
        return cluster
    }

    func existingFaces(_ ids: [Int64]) throws -> [StoredFace] {
        let unique = Array(Set(ids))
        let found = try StoredFace.fetchAll(db, keys: unique)
        if found.count != unique.count {
            let missing = Set(unique).subtracting(found.map(\.id)).min()!
            throw StoreErrors.faceNotFound(missing)
        }
        return found
    }
}
