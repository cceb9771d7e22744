import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// The read-only summaries a UI lists: covers, counts and who faces are, each in one query.
extension PostgresPeopleTransaction {
    func coverFaceIDs() throws -> [String: Int64] {
        // One seek per cluster into `face_cover`, which holds each cluster's faces in this order.
        let rows = try session.fetch(
            """
            SELECT cluster.id, (
                SELECT face.id FROM face WHERE face.cluster_id = cluster.id
                ORDER BY face.quality IS NULL, face.quality DESC, face.confidence DESC, face.id LIMIT 1)
            FROM cluster
            """, as: (String, Int64?).self)
        var covers: [String: Int64] = [:]
        for (cluster, cover) in rows {
            if let cover { covers[cluster] = cover }
        }
        return covers
    }

    func libraryCounts() throws -> LibraryCounts {
        let rows = try session.fetch(
            """
            SELECT (SELECT count(*) FROM image), (SELECT count(*) FROM face), (SELECT count(*) FROM cluster),
                   (SELECT count(*) FROM cluster WHERE name IS NOT NULL)
            """, as: (Int, Int, Int, Int).self)
        guard let (images, faces, clusters, named) = rows.first else {
            return LibraryCounts(images: 0, faces: 0, clusters: 0, namedClusters: 0)
        }
        return LibraryCounts(images: images, faces: faces, clusters: clusters, namedClusters: named)
    }

    func faceSummaries(ids faceIDs: [Int64]) throws -> [Int64: FaceSummary] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try session.fetch(
            """
            SELECT face.id, image.image_id, face.cluster_id, cluster.name, face.label_name
            FROM face JOIN image ON image.id = face.image_row_id LEFT JOIN cluster ON cluster.id = face.cluster_id
            WHERE face.id = ANY(\(faceIDs))
            """, as: (Int64, String, String?, String?, String?).self)
        return Dictionary(
            uniqueKeysWithValues: rows.map {
                ($0.0, FaceSummary(faceID: $0.0, imageID: $0.1, clusterID: $0.2, clusterName: $0.3, labelName: $0.4))
            })
    }
}
