import Foundation
import GRDB
import VisageCore

extension FaceStoreTransaction {
    /// A new, empty cluster for faces of `model`.
    @discardableResult
    public func createCluster(model: String, name: String? = nil) throws -> Cluster {
        let name = try name.map(StoreErrors.validName)
        var id = Cluster.randomID()
        while try Cluster.exists(db, key: id) { id = Cluster.randomID() }
        let cluster = Cluster(id: id, name: name, embeddingModel: model, at: Date())
        try cluster.insert(db)
        return cluster
    }

    /// Moves the faces into the cluster, out of whatever cluster they were in. Throws
    /// `embedding_model_mismatch` if any face was embedded by another model than the cluster's,
    /// and then moves none. Returns the updated cluster.
    ///
    /// Constraints are not checked here: the store records decisions, the recognition layer
    /// applies them.
    @discardableResult
    public func assign(faceIDs: [Int64], toCluster clusterID: String) throws -> Cluster {
        let cluster = try existingCluster(clusterID)
        let faces = try existingFaces(faceIDs)
        for face in faces where face.embeddingModel != cluster.embeddingModel {
            throw StoreErrors.modelMismatch(faceID: face.id, faceModel: face.embeddingModel,
                                            clusterID: cluster.id, clusterModel: cluster.embeddingModel)
        }
        return try moveFaces(faces, to: clusterID)!
    }

    /// Takes the faces out of their clusters.
    public func unassign(faceIDs: [Int64]) throws {
        try moveFaces(existingFaces(faceIDs), to: nil)
    }

    @discardableResult
    private func moveFaces(_ faces: [StoredFace], to clusterID: String?) throws -> Cluster? {
        try StoredFace.filter(keys: faces.map(\.id)).updateAll(db, StoredFace.SQLColumns.clusterID.set(to: clusterID))
        let previous = Set(faces.compactMap(\.clusterID)).subtracting([clusterID].compactMap { $0 })
        for id in previous.sorted() { try recomputeCluster(id: id) }
        return try clusterID.map { try recomputeCluster(id: $0) }
    }

    /// Names the cluster, or clears its name with nil.
    @discardableResult
    public func setClusterName(_ clusterID: String, name: String?) throws -> Cluster {
        var cluster = try existingCluster(clusterID)
        cluster.name = try name.map(StoreErrors.validName)
        // Naming is a user decision: reclustering must keep the person together.
        cluster.pinned = cluster.pinned || cluster.name != nil
        cluster.updatedAt = Date()
        try cluster.update(db)
        return cluster
    }

    /// Renames a person everywhere: cluster names, face labels and "(not) this person"
    /// constraints. Returns the number of clusters renamed and of faces now under the new name
    /// (members of those clusters, or labelled with the old name).
    @discardableResult
    public func renamePerson(from oldName: String, to newName: String) throws -> (clusters: Int, faces: Int) {
        let oldName = try StoreErrors.validName(oldName), newName = try StoreErrors.validName(newName)
        let faceCount = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM face
            WHERE label_name = ? OR cluster_id IN (SELECT id FROM cluster WHERE name = ?)
            """, arguments: [oldName, oldName]) ?? 0
        let clusterCount = try Cluster.filter(Cluster.SQLColumns.name == oldName)
            .updateAll(db, Cluster.SQLColumns.name.set(to: newName), Cluster.SQLColumns.updatedAt.set(to: Date()))
        try StoredFace.filter(StoredFace.SQLColumns.labelName == oldName)
            .updateAll(db, StoredFace.SQLColumns.labelName.set(to: newName))
        try FaceConstraint.filter(FaceConstraint.SQLColumns.personName == oldName)
            .updateAll(db, FaceConstraint.SQLColumns.personName.set(to: newName))
        return (clusterCount, faceCount)
    }

    /// Sets the cluster's face count and centroid from its current members. Every store
    /// operation that changes membership already calls this; it is public for repairs.
    @discardableResult
    public func recomputeCluster(id: String) throws -> Cluster {
        var cluster = try existingCluster(id)
        let embeddings = try Data.fetchAll(db, sql: "SELECT embedding FROM face WHERE cluster_id = ?", arguments: [id])
            .map(EmbeddingBlob.decode)
        cluster.faceCount = embeddings.count
        cluster.centroid = ClusterCentroid.of(embeddings)
        cluster.updatedAt = Date()
        try cluster.update(db)
        return cluster
    }
}
