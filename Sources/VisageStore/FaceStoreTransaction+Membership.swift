import Foundation
import GRDB
import VisageCore

// Queries and changes about which faces belong to which cluster, used by incremental
// assignment and reclustering.
extension FaceStoreTransaction {
    /// The cluster of each given face that has one (faces without a cluster are left out).
    public func clusterIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, cluster_id FROM face
            WHERE cluster_id IS NOT NULL AND id IN (\(databaseQuestionMarks(count: faceIDs.count)))
            """, arguments: StatementArguments(faceIDs))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0[1] as String) })
    }

    /// Whether the cluster already holds a face of the image: two faces of one photo are two
    /// people, unless the user says otherwise.
    public func cluster(_ clusterID: String, containsFaceOfImage imageRowID: Int64) throws -> Bool {
        try StoredFace.filter(StoredFace.SQLColumns.clusterID == clusterID && StoredFace.SQLColumns.imageRowID == imageRowID)
            .isEmpty(db) == false
    }

    /// Clusters of `model` with the given name, largest first.
    public func clusters(named name: String, model: String) throws -> [Cluster] {
        try Cluster.filter(Cluster.SQLColumns.name == name && Cluster.SQLColumns.embeddingModel == model)
            .order(Cluster.SQLColumns.faceCount.desc, Cluster.SQLColumns.id).fetchAll(db)
    }

    /// Marks the cluster as shaped by the user, so reclustering keeps it.
    @discardableResult
    public func pinCluster(_ clusterID: String) throws -> Cluster {
        var cluster = try existingCluster(clusterID)
        guard !cluster.pinned else { return cluster }
        cluster.pinned = true
        cluster.updatedAt = Date()
        try cluster.update(db)
        return cluster
    }

    /// Deletes a cluster; its faces (if any) become unclustered.
    @discardableResult
    public func deleteCluster(_ clusterID: String) throws -> Bool {
        try Cluster.deleteOne(db, key: clusterID)
    }

    /// Deletes every cluster without faces; returns their ids.
    @discardableResult
    public func deleteEmptyClusters() throws -> [String] {
        let empty = try String.fetchAll(db, sql: "SELECT id FROM cluster WHERE face_count = 0 ORDER BY id")
        try Cluster.deleteAll(db, keys: empty)
        return empty
    }

    /// Every "cannot link" decision, oldest first.
    public func cannotLinkConstraints() throws -> [FaceConstraint] {
        try FaceConstraint.filter(FaceConstraint.SQLColumns.kind == ConstraintKind.cannotLink)
            .order(FaceConstraint.SQLColumns.id).fetchAll(db)
    }

    /// Faces named `name`: members of clusters with that name, or faces labelled with it.
    public func faces(ofPerson name: String) throws -> [StoredFace] {
        try StoredFace.fetchAll(db, sql: """
            SELECT * FROM face WHERE label_name = ? OR cluster_id IN (SELECT id FROM cluster WHERE name = ?)
            ORDER BY id
            """, arguments: [name, name])
    }

    /// Every image row id -> caller's image id.
    public func imageIDsByRow() throws -> [Int64: String] {
        let rows = try Row.fetchAll(db, sql: "SELECT id, image_id FROM image")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0[1] as String) })
    }

    /// The images with the given row ids (`StoredFace.imageRowID`), by row id.
    public func images(rowIDs: Set<Int64>) throws -> [Int64: StoredImage] {
        let images = try StoredImage.fetchAll(db, keys: Array(rowIDs))
        return Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0) })
    }

    /// All stored images, in row order.
    public func images() throws -> [StoredImage] {
        try StoredImage.order(Column("id")).fetchAll(db)
    }
}
