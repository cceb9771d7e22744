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
        try checkEmbeddings(of: newFaces, model: model)
        let now = Date()
        let image = try upsertImage(
            StoredImage(
                id: 0, imageID: imageID, path: path, width: width, height: height,
                orientation: orientation, contentHash: contentHash, analyzedAt: now))
        let oldFaces = try faceRows(imageRowID: image.id).values
        let oldIndexByNew = FaceMatcher.match(old: oldFaces.map(\.box), new: newFaces.map(\.box))

        var saved: [StoredFace] = []
        for (newIndex, newFace) in newFaces.enumerated() {
            if let oldIndex = oldIndexByNew[newIndex] {
                saved.append(try updateMatchedFace(oldFaces[oldIndex], with: newFace, model: model))
            } else {
                var face = StoredFace(newFace, imageRowID: image.id, model: model, createdAt: now)
                face.id = try FaceRow(face).insertAssigningID(db)
                saved.append(face)
            }
        }

        let keptOldIndexes = Set(oldIndexByNew.values)
        let removed = oldFaces.indices.filter { !keptOldIndexes.contains($0) }.map { oldFaces[$0].id }
        try FaceRow.deleteAll(db, keys: removed)

        // Old faces' clusters cover every cluster touched: new faces join none, and matched faces
        // only keep or leave the cluster they had.
        let touchedClusters = Set(oldFaces.compactMap(\.clusterID)).sorted()
        for clusterID in touchedClusters { try recomputeCluster(id: clusterID) }
        return SavedAnalysis(image: image, faces: saved, removedFaceIDs: removed, updatedClusterIDs: touchedClusters)
    }

    private func updateMatchedFace(_ old: StoredFace, with newFace: NewFace, model: String) throws -> StoredFace {
        var face = old
        face.replaceAnalysis(with: newFace, model: model)
        face.label = FaceLabel.carriedOver(old: old.label, new: newFace.label?.cleaned)
        if let clusterID = face.clusterID, try clusterRow(id: clusterID)?.embeddingModel != model {
            face.clusterID = nil
        }
        try FaceRow(face).update(db)
        return face
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

    /// All faces of one model have embeddings of one length: the length of the first one ever
    /// stored. A mismatch means a model name was reused for a different model.
    private func checkEmbeddings(of faces: [NewFace], model: String) throws {
        guard !model.isEmpty else { throw StorageErrors.modelMissing() }
        guard let dimensions = faces.first?.embedding.count else { return }
        let storedBytes = try Int.fetchOne(
            db, sql: "SELECT length(embedding) FROM face WHERE embedding_model = ? LIMIT 1",
            arguments: [model])
        let expected = storedBytes.map(EmbeddingBlob.dimensions(ofByteCount:)) ?? dimensions
        for face in faces where face.embedding.count != expected || face.embedding.isEmpty {
            throw StorageErrors.dimensionMismatch(got: face.embedding.count, model: model, expected: expected)
        }
    }
}
