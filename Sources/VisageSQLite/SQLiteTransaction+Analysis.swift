import Foundation
import GRDB
import VisageCore
import VisageStorage

extension SQLiteTransaction {
    @discardableResult
    func saveAnalysis(
        imageID: String, path: String, width: Int, height: Int, orientation: Int,
        contentHash: String?, faces newFaces: [NewFace], model: String
    ) throws -> SavedAnalysis {
        let storedBytes = try Int.fetchOne(
            db, sql: "SELECT length(embedding) FROM face WHERE embedding_model = ? LIMIT 1", arguments: [model])
        try ReanalysisPlan.checkEmbeddings(
            of: newFaces, model: model, storedDimensions: storedBytes.map(EmbeddingBlob.dimensions(ofByteCount:)))
        let now = Date()
        let image = try upsertImage(
            StoredImage(
                id: 0, imageID: imageID, path: path, width: width, height: height,
                orientation: orientation, contentHash: contentHash, analyzedAt: now))
        let plan = try ReanalysisPlan(
            old: try faceRows(imageRowID: image.id).values, new: newFaces, imageRowID: image.id, model: model, at: now,
            clusterModel: { try clusterRow(id: $0)?.embeddingModel })
        let saved = try plan.slots.map { slot -> StoredFace in
            switch slot {
            case .kept(let face):
                try FaceRow(face).update(db)
                return face
            case .new(var face):
                face.id = try FaceRow(face).insertAssigningID(db)
                return face
            }
        }
        try FaceRow.deleteAll(db, keys: plan.removedFaceIDs)
        for clusterID in plan.touchedClusterIDs { try recomputeCluster(id: clusterID) }
        return SavedAnalysis(image: image, faces: saved, removedFaceIDs: plan.removedFaceIDs, updatedClusterIDs: plan.touchedClusterIDs)
    }

    private func upsertImage(_ fresh: StoredImage) throws -> StoredImage {
        var row = ImageRow(fresh)
        if let existing = try imageRow(imageID: fresh.imageID) {
            row.id = existing.id
            try row.update(db)
        } else {
            row.id = try row.insertAssigningID(db)
        }
        return row.value
    }
}
