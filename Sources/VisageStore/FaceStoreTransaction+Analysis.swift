import Foundation
import GRDB
import VisageCore

extension FaceStoreTransaction {
    /// Stores the result of analysing an image, replacing whatever was stored for `imageID`.
    ///
    /// Re-analysis keeps identity: each new face is paired with the old face whose box overlaps it
    /// most (IoU >= 0.5, greedy), and a paired face keeps its id, cluster, label and constraints
    /// while taking the new measurements and embedding. The label follows
    /// `FaceLabel.carriedOver`: a user's label survives, a fresh XMP label replaces an old one.
    /// A face whose embedding model changed leaves its cluster, whose embeddings it no longer
    /// matches. Old faces with no partner are deleted, their constraints with them. Every
    /// cluster that lost or changed a member is recomputed.
    @discardableResult
    public func saveAnalysis(imageID: String, path: String, width: Int, height: Int, orientation: Int,
                             contentHash: String?, faces newFaces: [NewFace], model: String) throws -> SavedAnalysis {
        try checkEmbeddings(of: newFaces, model: model)
        let now = Date()
        let image = try upsertImage(StoredImage(id: 0, imageID: imageID, path: path, width: width, height: height,
                                                orientation: orientation, contentHash: contentHash, analyzedAt: now))
        let oldFaces = try faces(imageRowID: image.id)
        let oldIndexByNew = FaceMatcher.match(old: oldFaces.map(\.box), new: newFaces.map(\.box))

        var saved: [StoredFace] = []
        for (newIndex, newFace) in newFaces.enumerated() {
            if let oldIndex = oldIndexByNew[newIndex] {
                saved.append(try updateMatchedFace(oldFaces[oldIndex], with: newFace, model: model))
            } else {
                var face = StoredFace(newFace, imageRowID: image.id, model: model, createdAt: now)
                face.id = try face.insertAssigningID(db)
                saved.append(face)
            }
        }

        let keptOldIndexes = Set(oldIndexByNew.values)
        let removed = oldFaces.indices.filter { !keptOldIndexes.contains($0) }.map { oldFaces[$0].id }
        try StoredFace.deleteAll(db, keys: removed)

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
        if let clusterID = face.clusterID, try cluster(id: clusterID)?.embeddingModel != model {
            face.clusterID = nil
        }
        try face.update(db)
        return face
    }

    private func upsertImage(_ fresh: StoredImage) throws -> StoredImage {
        guard var image = try image(imageID: fresh.imageID) else {
            var image = fresh
            image.id = try image.insertAssigningID(db)
            return image
        }
        image.path = fresh.path
        image.width = fresh.width
        image.height = fresh.height
        image.orientation = fresh.orientation
        image.contentHash = fresh.contentHash
        image.analyzedAt = fresh.analyzedAt
        try image.update(db)
        return image
    }

    /// All faces of one model have embeddings of one length: the length of the first one ever
    /// stored. A mismatch means a model name was reused for a different model.
    private func checkEmbeddings(of faces: [NewFace], model: String) throws {
        guard !model.isEmpty else {
            throw VisageError(.embeddingModelMissing, "faces can only be stored with the name of the model that embedded them")
        }
        guard let dimensions = faces.first?.embedding.count else { return }
        let storedBytes = try Int.fetchOne(db, sql: "SELECT length(embedding) FROM face WHERE embedding_model = ? LIMIT 1",
                                           arguments: [model])
        let expected = storedBytes.map(EmbeddingBlob.dimensions(ofByteCount:)) ?? dimensions
        for face in faces where face.embedding.count != expected || face.embedding.isEmpty {
            throw VisageError(.embeddingDimensionMismatch,
                              "a \(face.embedding.count)-dimensional embedding can't be stored with \(model)'s \(expected)-dimensional ones")
        }
    }
}
