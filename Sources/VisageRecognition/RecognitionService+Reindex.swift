import Foundation
import VisageCore
import VisageStorage

/// What `reindex` did.
public struct ReindexSummary: Sendable, Hashable {
    /// Images re-analysed with the current model.
    public var images: Int
    /// Images whose file could not be read again: their faces keep the old model's embeddings
    /// and take part in nothing until the file is back and `reindex` runs again.
    public var unreadable: [String]
    public var faces: Int
    public var recluster: ReclusterSummary
}

extension RecognitionService {
    /// Re-embeds every stored image whose faces were embedded by another model than the current
    /// one (all images with `all`), from the image files, then reclusters.
    ///
    /// Faces found again keep their id, label and decisions (see `FaceStore.saveAnalysis`);
    /// their people move with them: the faces of one old cluster go to one new cluster of the
    /// current model with the same name and pin, so names and splits carry over. Each image is
    /// its own transaction, so an interrupted reindex resumes where it stopped.
    public func reindex(all: Bool = false, progress: (Int, Int) -> Void = { _, _ in }) throws -> ReindexSummary {
        let (images, oldClusters) = try store.read { tx in
            let images = try tx.images().filter { image in
                try all || tx.faces(imageID: image.imageID).contains { $0.embeddingModel != embeddingModel }
            }
            return (images, Dictionary(uniqueKeysWithValues: try tx.clusters().map { ($0.id, $0) }))
        }
        var twins: [String: String] = [:]  // old cluster -> its cluster of the current model
        var unreadable: [String] = []
        var faces = 0
        for (done, image) in images.enumerated() {
            progress(done, images.count)
            let analysed: [NewFace]
            do {
                let decoded = try configuration.decoder.decode(.file(image.path), maxSide: configuration.maxSide)
                analysed = try analyzer.analyze(decoded, options: configuration.analysis).map { try NewFace($0) }
            } catch {
                unreadable.append(image.imageID)
                continue
            }
            faces += analysed.count
            try library.write { tx, changes in
                let before = Dictionary(uniqueKeysWithValues: try tx.faces(imageID: image.imageID).map { ($0.id, $0.clusterID) })
                let saved = try tx.saveAnalysis(
                    imageID: image.imageID, path: image.path, width: image.width,
                    height: image.height, orientation: image.orientation,
                    contentHash: image.contentHash, faces: analysed, model: embeddingModel)
                for face in saved.faces where face.clusterID == nil {
                    guard let old = before[face.id] ?? nil, let cluster = oldClusters[old] else { continue }
                    let twin =
                        try twins[old]
                        ?? {
                            let created = try tx.createCluster(model: embeddingModel, name: cluster.name)
                            if cluster.pinned { try tx.pinCluster(created.id) }
                            return created.id
                        }()
                    twins[old] = twin
                    try tx.assign(faceIDs: [face.id], toCluster: twin)
                }
                try tx.deleteEmptyClusters()
                changes.record(saved)
            }
        }
        progress(images.count, images.count)
        let recluster = try recluster()
        return ReindexSummary(images: images.count - unreadable.count, unreadable: unreadable, faces: faces, recluster: recluster)
    }
}
