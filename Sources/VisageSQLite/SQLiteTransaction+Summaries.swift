import Foundation
import GRDB
import VisageCore
import VisageStorage

/// The read-only summaries a UI lists: covers, counts and who faces are, each in one query.
extension SQLiteTransaction {
    func coverFaceIDs() throws -> [String: Int64] {
        // One seek per cluster into `face_cover` (v7), which holds the faces of each cluster in
        // this order and every column the subquery reads: no face row, and no embedding, is read.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT cluster.id, (
                    SELECT face.id FROM face WHERE face.cluster_id = cluster.id
                    ORDER BY face.quality IS NULL, face.quality DESC, face.confidence DESC, face.id
                    LIMIT 1
                ) AS cover
                FROM cluster
                """)
        var covers: [String: Int64] = [:]
        for row in rows {
            if let cover: Int64 = row["cover"] { covers[row[0]] = cover }
        }
        return covers
    }

    func libraryCounts() throws -> LibraryCounts {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT COUNT(*) FROM image), (SELECT COUNT(*) FROM face),
                    (SELECT COUNT(*) FROM cluster), (SELECT COUNT(*) FROM cluster WHERE name IS NOT NULL)
                """)
        guard let row else { return LibraryCounts(images: 0, faces: 0, clusters: 0, namedClusters: 0) }
        return LibraryCounts(images: row[0], faces: row[1], clusters: row[2], namedClusters: row[3])
    }

    func faceSummaries(ids faceIDs: [Int64]) throws -> [Int64: FaceSummary] {
        guard !faceIDs.isEmpty else { return [:] }
        var summaries: [Int64: FaceSummary] = [:]
        // In chunks, under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: faceIDs.count, by: 500) {
            let chunk = Array(faceIDs[start..<min(faceIDs.count, start + 500)])
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT face.id, image.image_id, face.cluster_id, cluster.name, face.label_name
                    FROM face JOIN image ON image.id = face.image_row_id
                    LEFT JOIN cluster ON cluster.id = face.cluster_id
                    WHERE face.id IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(chunk))
            for row in rows {
                let summary = FaceSummary(
                    faceID: row[0], imageID: row[1], clusterID: row[2], clusterName: row[3], labelName: row[4])
                summaries[summary.faceID] = summary
            }
        }
        return summaries
    }
}
