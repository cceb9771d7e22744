import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

extension PostgresPeopleTransaction {
    @discardableResult
    func saveAnalysis(
        imageID: String, path: String, width: Int, height: Int, orientation: Int,
        contentHash: String?, faces newFaces: [NewFace], model: String
    ) throws -> SavedAnalysis {
        let stored = try session.fetch("SELECT dimensions FROM face WHERE embedding_model = \(model) LIMIT 1", as: Int.self).first
        try ReanalysisPlan.checkEmbeddings(of: newFaces, model: model, storedDimensions: stored)
        if let dimensions = newFaces.first?.embedding.count { try vectorIndexes.ensure(dimensions: dimensions, in: session) }
        let now = Date()
        let image = try upsertImage(
            StoredImage(
                id: 0, imageID: imageID, path: path, width: width, height: height, orientation: orientation,
                contentHash: contentHash, analyzedAt: now))
        let plan = try ReanalysisPlan(
            old: try faces(imageRowID: image.id), new: newFaces, imageRowID: image.id, model: model, at: now,
            clusterModel: { try cluster(id: $0)?.embeddingModel })
        let saved = try plan.slots.map { slot -> StoredFace in
            switch slot {
            case .kept(let face):
                try update(face)
                return face
            case .new(let face): return try insert(face)
            }
        }
        if !plan.removedFaceIDs.isEmpty { try session.execute("DELETE FROM face WHERE id = ANY(\(plan.removedFaceIDs))") }
        for clusterID in plan.touchedClusterIDs { try recomputeCluster(id: clusterID) }
        return SavedAnalysis(image: image, faces: saved, removedFaceIDs: plan.removedFaceIDs, updatedClusterIDs: plan.touchedClusterIDs)
    }

    private func insert(_ face: StoredFace) throws -> StoredFace {
        let ids = try session.fetch(
            """
            INSERT INTO face (
                image_row_id, box_x, box_y, box_width, box_height, landmarks, yaw, pitch, roll, age, gender, confidence, quality,
                embedding, dimensions, embedding_model, cluster_id, label_name, label_source, created_at)
            VALUES (
                \(face.imageRowID), \(face.box.x), \(face.box.y), \(face.box.width), \(face.box.height),
                \(try PeopleRows.encodeLandmarks(face.landmarks)), \(face.pose?.yaw), \(face.pose?.pitch), \(face.pose?.roll),
                \(face.age), \(face.gender?.rawValue), \(face.confidence), \(face.quality),
                \(face.embedding)::real[]::vector, \(face.embedding.count), \(face.embeddingModel), \(face.clusterID),
                \(face.label?.name), \(face.label?.source.rawValue), \(face.createdAt))
            RETURNING id
            """, as: Int64.self)
        guard let id = ids.first else { throw VisageError(.storeFailed, "PostgreSQL returned no id for a new face") }
        var stored = face
        stored.id = id
        return stored
    }

    /// Writes every column of the face but its image and creation time.
    func update(_ face: StoredFace) throws {
        try session.execute(
            """
            UPDATE face SET
                box_x = \(face.box.x), box_y = \(face.box.y), box_width = \(face.box.width), box_height = \(face.box.height),
                landmarks = \(try PeopleRows.encodeLandmarks(face.landmarks)), yaw = \(face.pose?.yaw),
                pitch = \(face.pose?.pitch), roll = \(face.pose?.roll), age = \(face.age), gender = \(face.gender?.rawValue),
                confidence = \(face.confidence), quality = \(face.quality), embedding = \(face.embedding)::real[]::vector,
                dimensions = \(face.embedding.count), embedding_model = \(face.embeddingModel), cluster_id = \(face.clusterID),
                label_name = \(face.label?.name), label_source = \(face.label?.source.rawValue)
            WHERE id = \(face.id)
            """)
    }

    private func upsertImage(_ fresh: StoredImage) throws -> StoredImage {
        let ids = try session.fetch(
            """
            INSERT INTO image (image_id, path, width, height, orientation, content_hash, analyzed_at)
            VALUES (\(fresh.imageID), \(fresh.path), \(fresh.width), \(fresh.height), \(fresh.orientation), \(fresh.contentHash),
                    \(fresh.analyzedAt))
            ON CONFLICT (image_id) DO UPDATE SET path = EXCLUDED.path, width = EXCLUDED.width, height = EXCLUDED.height,
                orientation = EXCLUDED.orientation, content_hash = EXCLUDED.content_hash, analyzed_at = EXCLUDED.analyzed_at
            RETURNING id
            """, as: Int64.self)
        guard let id = ids.first else { throw VisageError(.storeFailed, "PostgreSQL returned no id for an image") }
        var image = fresh
        image.id = id
        return image
    }

    @discardableResult
    func deleteFace(id: Int64) throws -> Bool {
        let clusters = try session.fetch("DELETE FROM face WHERE id = \(id) RETURNING cluster_id", as: String?.self)
        guard let gone = clusters.first else { return false }
        if let clusterID = gone { try recomputeCluster(id: clusterID) }
        return true
    }

    @discardableResult
    func deleteImage(imageID: String) throws -> [Int64] {
        let faces = try session.fetch(
            """
            SELECT face.id, face.cluster_id FROM face JOIN image ON image.id = face.image_row_id
            WHERE image.image_id = \(imageID) ORDER BY face.id
            """, as: (Int64, String?).self)
        try session.execute("DELETE FROM image WHERE image_id = \(imageID)")  // the faces go with it (ON DELETE CASCADE)
        for clusterID in Set(faces.compactMap(\.1)).sorted() { try recomputeCluster(id: clusterID) }
        return faces.map(\.0)
    }
}
