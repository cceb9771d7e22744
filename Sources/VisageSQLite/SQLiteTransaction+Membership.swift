import Foundation
import GRDB
import VisageCore
import VisageStorage

// Queries and changes about which faces belong to which cluster, used by incremental
// assignment and reclustering.
extension SQLiteTransaction {
    func clusterIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, cluster_id FROM face
                WHERE cluster_id IS NOT NULL AND id IN (\(databaseQuestionMarks(count: faceIDs.count)))
                """, arguments: StatementArguments(faceIDs))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0[1] as String) })
    }

    func cluster(_ clusterID: String, containsFaceOfImage imageRowID: Int64) throws -> Bool {
        try FaceRow.filter(FaceRow.SQLColumns.clusterID == clusterID && FaceRow.SQLColumns.imageRowID == imageRowID)
            .isEmpty(db) == false
    }

    func clusters(named name: String, model: String) throws -> [Cluster] {
        try ClusterRow.filter(ClusterRow.SQLColumns.name == name && ClusterRow.SQLColumns.embeddingModel == model)
            .order(ClusterRow.SQLColumns.faceCount.desc, ClusterRow.SQLColumns.id).fetchAll(db).map(\.value)
    }

    @discardableResult
    func pinCluster(_ clusterID: String) throws -> Cluster {
        var cluster = try existingCluster(clusterID)
        guard !cluster.pinned else { return cluster.value }
        cluster.pinned = true
        cluster.updatedAt = Date()
        try cluster.update(db)
        return cluster.value
    }

    @discardableResult
    func deleteCluster(_ clusterID: String) throws -> Bool {
        try ClusterRow.deleteOne(db, key: clusterID)
    }

    @discardableResult
    func deleteEmptyClusters() throws -> [String] {
        let empty = try String.fetchAll(db, sql: "SELECT id FROM cluster WHERE face_count = 0 ORDER BY id")
        try ClusterRow.deleteAll(db, keys: empty)
        return empty
    }
}
