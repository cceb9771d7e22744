import Foundation
import VisageCore
import VisageStorage

private struct EditAudit: Encodable {
    var sourceClusterID: String?
    var targetClusterID: String?
    var faceIDs: [Int64]?
}

extension RecognitionService {
    /// Moves every face of `sourceID` into `targetID` and deletes the source: the user says
    /// they are one person. The target keeps its name, or takes the source's. Two clusters with
    /// different names are refused (`merge_name_conflict`): rename one first, so no name is
    /// dropped silently.
    public func mergeClusters(_ sourceID: String, into targetID: String) throws -> PeopleChange {
        try library.write { tx in
            guard let source = try tx.cluster(id: sourceID) else { throw VisageError(.clusterNotFound, "no cluster with id \(sourceID)") }
            guard let target = try tx.cluster(id: targetID) else { throw VisageError(.clusterNotFound, "no cluster with id \(targetID)") }
            // After the look-ups, so an unknown id is a 404 whether or not the two are equal.
            guard sourceID != targetID else { throw VisageError(.invalidRequest, "a cluster can't be merged into itself") }
            if let a = source.name, let b = target.name, a != b {
                throw VisageError(.mergeNameConflict, "\(sourceID) is '\(a)' and \(targetID) is '\(b)'; rename one of them first")
            }
            let faces = try tx.faces(inCluster: sourceID).map(\.id)
            var merged = try tx.assign(faceIDs: faces, toCluster: targetID)
            if merged.name == nil, let name = source.name { merged = try tx.setClusterName(targetID, name: name) }
            merged = try tx.pinCluster(targetID)
            try tx.deleteCluster(sourceID)
            try tx.appendAudit(action: "merge_clusters", detail: EditAudit(sourceClusterID: sourceID, targetClusterID: targetID, faceIDs: faces))
            return PeopleChange(
                message: "Merged \(sourceID) into \(targetID) (\(merged.faceCount) faces)",
                clusterID: targetID, faceCount: merged.faceCount)
        }
    }

    /// Moves the given faces of a cluster into a new cluster (named `name`, if given): the user
    /// says they are someone else. Both clusters are pinned, so reclustering keeps them apart;
    /// faces split out of a named person are forbidden that name.
    public func splitCluster(_ clusterID: String, faceIDs: [Int64], name: String?) throws -> PeopleChange {
        guard !faceIDs.isEmpty else { throw VisageError(.invalidRequest, "face_ids must list at least one face") }
        return try library.write { tx in
            guard let original = try tx.cluster(id: clusterID) else { throw VisageError(.clusterNotFound, "no cluster with id \(clusterID)") }
            let members = Set(try tx.faces(inCluster: clusterID).map(\.id))
            for id in faceIDs where !members.contains(id) {
                throw VisageError(.faceNotInCluster, "face \(id) is not in \(clusterID)")
            }
            if let name, let oldName = original.name, name.trimmingCharacters(in: .whitespaces) == oldName {
                throw VisageError(.invalidName, "the split-off faces can't keep the name '\(oldName)' of the cluster they leave")
            }
            let created = try tx.createCluster(model: original.embeddingModel, name: name)
            try tx.pinCluster(created.id)
            try tx.pinCluster(clusterID)
            for id in faceIDs {
                if let oldName = original.name {
                    // An XMP or user label with the old name would pull the face back.
                    if let face = try tx.face(id: id), face.label?.name == oldName { try tx.setLabel(nil, forFace: id) }
                    try tx.addConstraint(.cannotLink, faceID: id, target: .person(oldName))
                }
            }
            let split = try tx.assign(faceIDs: faceIDs, toCluster: created.id)
            try tx.deleteEmptyClusters()
            try tx.appendAudit(action: "split_cluster", detail: EditAudit(sourceClusterID: clusterID, targetClusterID: created.id, faceIDs: faceIDs))
            return PeopleChange(
                message: "Split \(faceIDs.count) faces out of \(clusterID) into \(created.id)",
                clusterID: created.id, faceCount: split.faceCount)
        }
    }

    /// Deletes one face (a false detection, say) and removes it from the index.
    public func deleteFace(id: Int64) throws {
        try library.write { tx, changes in
            guard try tx.deleteFace(id: id) else { throw VisageError(.faceNotFound, "no face with id \(id)") }
            try tx.deleteEmptyClusters()
            try tx.appendAudit(action: "delete_face", detail: EditAudit(faceIDs: [id]))
            changes.remove(id: id)
        }
    }

    /// Forgets an image and its faces. Returns the number of faces deleted.
    public func deleteImage(imageID: String) throws -> Int {
        try library.write { tx, changes in
            guard try tx.image(imageID: imageID) != nil else {
                throw VisageError(.imageUnknown, "no image with image_id '\(imageID)' has been recognised")
            }
            let removed = try tx.deleteImage(imageID: imageID)
            try tx.deleteEmptyClusters()
            try tx.appendAudit(action: "delete_image", detail: EditAudit(faceIDs: removed))
            for id in removed { changes.remove(id: id) }
            return removed.count
        }
    }
}
