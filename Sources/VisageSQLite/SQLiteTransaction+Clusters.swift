import Foundation
import GRDB
import VisageCore
import VisageStorage

extension SQLiteTransaction {
    @discardableResult
    func createCluster(model: String, name: String?) throws -> Cluster {
        let name = try name.map(StorageErrors.validName)
        var id = Cluster.randomID()
        while try ClusterRow.exists(db, key: id) { id = Cluster.randomID() }
        let cluster = Cluster(id: id, name: name, embeddingModel: model, at: Date())
        try ClusterRow(cluster).insert(db)
        return cluster
    }

    @discardableResult
    func assign(faceIDs: [Int64], toCluster clusterID: String) throws -> Cluster {
        let cluster = try existingCluster(clusterID)
        let faces = try existingFaces(faceIDs)
        for face in faces where face.embeddingModel != cluster.embeddingModel {
            throw StorageErrors.modelMismatch(
                faceID: face.id, faceModel: face.embeddingModel,
                clusterID: cluster.id, clusterModel: cluster.embeddingModel)
        }
        return try moveFaces(faces, to: clusterID)!
    }

    func unassign(faceIDs: [Int64]) throws {
        try moveFaces(existingFaces(faceIDs), to: nil)
    }

    @discardableResult
    private func moveFaces(_ faces: [FaceRow], to clusterID: String?) throws -> Cluster? {
        try FaceRow.filter(keys: faces.map(\.id)).updateAll(db, FaceRow.SQLColumns.clusterID.set(to: clusterID))
        let previous = Set(faces.compactMap(\.clusterID)).subtracting([clusterID].compactMap { $0 })
        for id in previous.sorted() { try recomputeCluster(id: id) }
        return try clusterID.map { try recomputeCluster(id: $0) }
    }

    @discardableResult
    func setClusterName(_ clusterID: String, name: String?) throws -> Cluster {
        var cluster = try existingCluster(clusterID)
        cluster.name = try name.map(StorageErrors.validName)
        // Naming is a user decision: reclustering must keep the person together.
        cluster.pinned = cluster.pinned || cluster.name != nil
        cluster.updatedAt = Date()
        try cluster.update(db)
        return cluster.value
    }

    @discardableResult
    func renamePerson(from oldName: String, to newName: String) throws -> (clusters: Int, faces: Int) {
        let oldName = try StorageErrors.validName(oldName), newName = try StorageErrors.validName(newName)
        let faceCount =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM face
                    WHERE label_name = ? OR cluster_id IN (SELECT id FROM cluster WHERE name = ?)
                    """, arguments: [oldName, oldName]) ?? 0
        let clusterCount = try ClusterRow.filter(ClusterRow.SQLColumns.name == oldName)
            .updateAll(db, ClusterRow.SQLColumns.name.set(to: newName), ClusterRow.SQLColumns.updatedAt.set(to: Date()))
        try FaceRow.filter(FaceRow.SQLColumns.labelName == oldName)
            .updateAll(db, FaceRow.SQLColumns.labelName.set(to: newName))
        try ConstraintRow.filter(ConstraintRow.SQLColumns.personName == oldName)
            .updateAll(db, ConstraintRow.SQLColumns.personName.set(to: newName))
        return (clusterCount, faceCount)
    }

    @discardableResult
    func recomputeCluster(id: String) throws -> Cluster {
        var cluster = try existingCluster(id)
        let embeddings = try Data.fetchAll(db, sql: "SELECT embedding FROM face WHERE cluster_id = ?", arguments: [id])
            .map(EmbeddingBlob.decode)
        cluster.faceCount = embeddings.count
        cluster.centroidBlob = ClusterCentroid.of(embeddings).map(EmbeddingBlob.encode)
        cluster.updatedAt = Date()
        try cluster.update(db)
        return cluster.value
    }
}
