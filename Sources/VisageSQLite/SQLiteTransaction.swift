import Foundation
import GRDB
import VisageCore
import VisageStorage

/// `FaceStoreTransaction` over one open GRDB connection; valid only inside the closure it is
/// passed to. Its rows stay inside this module: every method hands out values.
struct SQLiteTransaction: FaceStoreTransaction {
    let db: Database

    // MARK: Images

    func imageRow(imageID: String) throws -> ImageRow? {
        try ImageRow.filter(ImageRow.SQLColumns.imageID == imageID).fetchOne(db)
    }

    func image(imageID: String) throws -> StoredImage? {
        try imageRow(imageID: imageID)?.value
    }

    func images() throws -> [StoredImage] {
        try ImageRow.order(ImageRow.SQLColumns.id).fetchAll(db).map(\.value)
    }

    func images(rowIDs: Set<Int64>) throws -> [Int64: StoredImage] {
        let images = try ImageRow.fetchAll(db, keys: Array(rowIDs))
        return Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0.value) })
    }

    func imageIDsByRow() throws -> [Int64: String] {
        let rows = try Row.fetchAll(db, sql: "SELECT id, image_id FROM image")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0[1] as String) })
    }

    // MARK: Faces

    func face(id: Int64) throws -> StoredFace? {
        try FaceRow.fetchOne(db, key: id)?.value
    }

    func faces(imageID: String) throws -> [StoredFace] {
        guard let image = try imageRow(imageID: imageID) else { return [] }
        return try faceRows(imageRowID: image.id).values
    }

    func faceRows(imageRowID: Int64) throws -> [FaceRow] {
        try FaceRow.filter(FaceRow.SQLColumns.imageRowID == imageRowID).order(FaceRow.SQLColumns.id).fetchAll(db)
    }

    func faces(inCluster clusterID: String) throws -> [StoredFace] {
        try FaceRow.filter(FaceRow.SQLColumns.clusterID == clusterID).order(FaceRow.SQLColumns.id).fetchAll(db).values
    }

    func faces(embeddingModel: String) throws -> [StoredFace] {
        try FaceRow.filter(FaceRow.SQLColumns.embeddingModel == embeddingModel).order(FaceRow.SQLColumns.id).fetchAll(db).values
    }

    func faces(ofPerson name: String) throws -> [StoredFace] {
        try FaceRow.fetchAll(
            db,
            sql: """
                SELECT * FROM face WHERE label_name = ? OR cluster_id IN (SELECT id FROM cluster WHERE name = ?)
                ORDER BY id
                """, arguments: [name, name]
        ).values
    }

    func imageIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT face.id, image.image_id FROM face JOIN image ON image.id = face.image_row_id
                WHERE face.id IN (\(databaseQuestionMarks(count: faceIDs.count)))
                """, arguments: StatementArguments(faceIDs))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as Int64, $0[1] as String) })
    }

    // MARK: Clusters

    func clusterRow(id: String) throws -> ClusterRow? {
        try ClusterRow.fetchOne(db, key: id)
    }

    func cluster(id: String) throws -> Cluster? {
        try clusterRow(id: id)?.value
    }

    func clusters() throws -> [Cluster] {
        try ClusterRow.order(ClusterRow.SQLColumns.createdAt, ClusterRow.SQLColumns.id).fetchAll(db).map(\.value)
    }

    func clusters(named name: String) throws -> [Cluster] {
        try ClusterRow.filter(ClusterRow.SQLColumns.name == name)
            .order(ClusterRow.SQLColumns.createdAt, ClusterRow.SQLColumns.id).fetchAll(db).map(\.value)
    }

    // MARK: Helpers for the operations

    func existingCluster(_ id: String) throws -> ClusterRow {
        guard let cluster = try clusterRow(id: id) else { throw StorageErrors.clusterNotFound(id) }
        return cluster
    }

    func existingFaces(_ ids: [Int64]) throws -> [FaceRow] {
        let unique = Array(Set(ids))
        let found = try FaceRow.fetchAll(db, keys: unique)
        if found.count != unique.count {
            let missing = Set(unique).subtracting(found.map(\.id)).min()!
            throw StorageErrors.faceNotFound(missing)
        }
        return found
    }
}
