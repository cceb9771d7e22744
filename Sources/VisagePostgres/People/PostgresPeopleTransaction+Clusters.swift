import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

extension PostgresPeopleTransaction {
    @discardableResult
    func createCluster(model: String, name: String?) throws -> Cluster {
        let name = try name.map(StorageErrors.validName)
        // A collision of 48 random bits is rare; the insert that hits one changes nothing and is tried again.
        while true {
            let cluster = Cluster(id: Cluster.randomID(), name: name, embeddingModel: model, at: Date())
            let inserted = try session.execute(
                """
                INSERT INTO cluster (id, name, embedding_model, centroid, face_count, pinned, created_at, updated_at)
                VALUES (\(cluster.id), \(cluster.name), \(model), NULL, 0, \(cluster.pinned), \(cluster.createdAt), \(cluster.updatedAt))
                ON CONFLICT (id) DO NOTHING
                """)
            if inserted == 1 { return cluster }
        }
    }

    @discardableResult
    func assign(faceIDs: [Int64], toCluster clusterID: String) throws -> Cluster {
        let cluster = try existingCluster(clusterID)
        let faces = try existingFaces(faceIDs)
        for face in faces.sorted(by: { $0.id < $1.id }) where face.embeddingModel != cluster.embeddingModel {
            throw StorageErrors.modelMismatch(
                faceID: face.id, faceModel: face.embeddingModel, clusterID: cluster.id, clusterModel: cluster.embeddingModel)
        }
        return try moveFaces(faces, to: clusterID)!
    }

    func unassign(faceIDs: [Int64]) throws {
        try moveFaces(existingFaces(faceIDs), to: nil)
    }

    @discardableResult
    private func moveFaces(_ faces: [StoredFace], to clusterID: String?) throws -> Cluster? {
        try session.execute("UPDATE face SET cluster_id = \(clusterID) WHERE id = ANY(\(faces.map(\.id)))")
        let previous = Set(faces.compactMap(\.clusterID)).subtracting([clusterID].compactMap { $0 })
        for id in previous.sorted() { try recomputeCluster(id: id) }
        return try clusterID.map { try recomputeCluster(id: $0) }
    }

    @discardableResult
    func setClusterName(_ clusterID: String, name: String?) throws -> Cluster {
        let name = try name.map(StorageErrors.validName)
        // Naming is a user decision: reclustering must keep the person together.
        return try updatedCluster(
            clusterID,
            session.rows(
                """
                UPDATE cluster SET name = \(name), pinned = pinned OR \(name)::text IS NOT NULL, updated_at = \(Date())
                WHERE id = \(clusterID) RETURNING \(unescaped: PeopleRows.clusterColumns)
                """))
    }

    @discardableResult
    func renamePerson(from oldName: String, to newName: String) throws -> (clusters: Int, faces: Int) {
        let oldName = try StorageErrors.validName(oldName), newName = try StorageErrors.validName(newName)
        let faceCount =
            try session.fetch(
                """
                SELECT count(*) FROM face WHERE label_name = \(oldName) OR cluster_id IN (SELECT id FROM cluster WHERE name = \(oldName))
                """, as: Int.self
            ).first ?? 0
        let clusterCount = try session.execute("UPDATE cluster SET name = \(newName), updated_at = \(Date()) WHERE name = \(oldName)")
        try session.execute("UPDATE face SET label_name = \(newName) WHERE label_name = \(oldName)")
        try session.execute("UPDATE face_constraint SET person_name = \(newName) WHERE person_name = \(oldName)")
        return (clusterCount, faceCount)
    }

    /// Count and centroid from the members; the centroid is summed here, as on SQLite, so both
    /// backends give the same floats.
    @discardableResult
    func recomputeCluster(id: String) throws -> Cluster {
        _ = try existingCluster(id)
        let embeddings = try session.fetch("SELECT embedding::real[] FROM face WHERE cluster_id = \(id) ORDER BY id", as: [Float].self)
        let centroid = ClusterCentroid.of(embeddings)
        return try updatedCluster(
            id,
            session.rows(
                """
                UPDATE cluster SET face_count = \(embeddings.count), centroid = \(centroid)::real[], updated_at = \(Date())
                WHERE id = \(id) RETURNING \(unescaped: PeopleRows.clusterColumns)
                """))
    }

    @discardableResult
    func pinCluster(_ clusterID: String) throws -> Cluster {
        let cluster = try existingCluster(clusterID)
        guard !cluster.pinned else { return cluster }
        return try updatedCluster(
            clusterID,
            session.rows(
                """
                UPDATE cluster SET pinned = true, updated_at = \(Date()) WHERE id = \(clusterID)
                RETURNING \(unescaped: PeopleRows.clusterColumns)
                """))
    }

    @discardableResult
    func deleteCluster(_ clusterID: String) throws -> Bool {
        try session.execute("DELETE FROM cluster WHERE id = \(clusterID)") > 0
    }

    @discardableResult
    func deleteEmptyClusters() throws -> [String] {
        try session.fetch("DELETE FROM cluster WHERE face_count = 0 RETURNING id", as: String.self).sorted()
    }

    @discardableResult
    func setLabel(_ label: FaceLabel?, forFace faceID: Int64) throws -> StoredFace {
        guard var face = try face(id: faceID) else { throw StorageErrors.faceNotFound(faceID) }
        face.label = try label.map { FaceLabel(name: try StorageErrors.validName($0.name), source: $0.source) }
        try session.execute(
            "UPDATE face SET label_name = \(face.label?.name), label_source = \(face.label?.source.rawValue) WHERE id = \(faceID)")
        return face
    }

    /// The cluster an `UPDATE ... RETURNING` wrote; `cluster_not_found` when it matched none.
    private func updatedCluster(_ id: String, _ rows: [PostgresRow]) throws -> Cluster {
        guard let cluster = try PeopleRows.clusters(rows).first else { throw StorageErrors.clusterNotFound(id) }
        return cluster
    }
}
