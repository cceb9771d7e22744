import Foundation
import VisageCore
import VisageStorage

/// Audit details, stored as JSON next to each change.
private struct NamingAudit: Encodable {
    var clusterID: String?
    var faceID: Int64?
    var oldName: String?
    var newName: String?
    var rejectedName: String?
    var faceIDs: [Int64]?
}

extension RecognitionService {
    /// Gives a cluster a name (the seed's "assign a name to a face cluster"). The latest decision
    /// wins: a "not this person" decision about the name on any of its faces (a rejected
    /// suggestion, say) is withdrawn.
    public func nameCluster(_ clusterID: String, name: String) throws -> PeopleChange {
        try library.write { tx in
            let old = try tx.cluster(id: clusterID)?.name
            let cluster = try tx.setClusterName(clusterID, name: name)
            if let given = cluster.name {
                try Self.withdrawRejections(of: given, faces: try tx.faces(inCluster: clusterID).map(\.id), in: tx)
            }
            try tx.appendAudit(action: "name_cluster", detail: NamingAudit(clusterID: clusterID, oldName: old, newName: cluster.name))
            return PeopleChange(
                message: "Named \(clusterID) '\(cluster.name ?? name)' (\(cluster.faceCount) faces)",
                clusterID: clusterID, faceCount: cluster.faceCount)
        }
    }

    /// "This cluster is not `name`": the answer to a wrong suggestion. The decision is the one a
    /// split records: every face now in the cluster is forbidden the name (a "not this person"
    /// constraint on each face, in one transaction with its audit entry). So
    /// `nameSuggestions` never suggests the name for a cluster holding any of these faces
    /// (wherever merges, splits and reclustering take them), and reclustering never groups them
    /// with that person. Faces that join the cluster later are not forbidden the name
    /// themselves, but the cluster keeps the rejected faces, so it isn't suggested either.
    /// Naming the cluster, or correcting one of its faces, to that name later withdraws the
    /// decision for those faces (the latest decision wins).
    ///
    /// Only unnamed clusters get suggestions: a named one is `invalid_request`.
    public func rejectSuggestion(clusterID: String, name: String) throws -> PeopleChange {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw VisageError(.invalidName, "a person's name can't be empty") }
        return try library.write { tx in
            guard let cluster = try tx.cluster(id: clusterID) else { throw VisageError(.clusterNotFound, "no cluster with id \(clusterID)") }
            if let own = cluster.name {
                throw VisageError(.invalidRequest, "\(clusterID) is named '\(own)'; suggestions are only made for unnamed clusters")
            }
            let faces = try tx.faces(inCluster: clusterID).map(\.id)
            for id in faces { try tx.addConstraint(.cannotLink, faceID: id, target: .person(name)) }
            try tx.appendAudit(action: "reject_suggestion", detail: NamingAudit(clusterID: clusterID, rejectedName: name, faceIDs: faces))
            return PeopleChange(
                message: "\(clusterID) is not '\(name)' (\(faces.count) faces)", clusterID: clusterID)
        }
    }

    /// Renames a person across all of their clusters, face labels and decisions.
    public func renamePerson(from oldName: String, to newName: String) throws -> PeopleChange {
        try library.write { tx in
            let (clusters, faces) = try tx.renamePerson(from: oldName, to: newName)
            guard clusters + faces > 0 else {
                throw VisageError(.personNotFound, "nobody is named '\(oldName)'")
            }
            try tx.appendAudit(action: "rename_person", detail: NamingAudit(oldName: oldName, newName: newName))
            return PeopleChange(
                message: "Updated '\(oldName)' to '\(newName)' (\(clusters) clusters, \(faces) faces)",
                clusters: clusters, faces: faces)
        }
    }

    /// "This face is `personName`": labels the face, forbids the name of the person it was in,
    /// and moves it to that person's closest cluster, or to a new cluster for them.
    ///
    /// `faceID` picks the face; it may be left out when the image has exactly one face.
    public func correctFace(imageID: String, faceID: Int64?, personName: String) throws -> PeopleChange {
        try library.write { tx in
            let face = try Self.face(imageID: imageID, faceID: faceID, in: tx)
            guard face.embeddingModel == embeddingModel else {
                throw VisageError(.embeddingModelMismatch, "face \(face.id) was embedded by \(face.embeddingModel); run `visage reindex` first")
            }
            let labelled = try tx.setLabel(FaceLabel(name: personName, source: .user), forFace: face.id)
            let name = labelled.label!.name
            try Self.withdrawRejections(of: name, faces: [face.id], in: tx)
            if let previous = face.clusterID, let cluster = try tx.cluster(id: previous) {
                if let oldName = cluster.name, oldName != name {
                    try tx.addConstraint(.cannotLink, faceID: face.id, target: .person(oldName))
                } else if cluster.name == nil {
                    try tx.addConstraint(.cannotLink, faceID: face.id, target: .cluster(previous))
                }
            }
            let candidates = try tx.clusters(named: name, model: embeddingModel)
            let embedding = face.embedding
            let best = candidates.max { a, b in
                Self.similarity(a.centroid, embedding) < Self.similarity(b.centroid, embedding)
            }
            let action: String, message: String, target: Cluster
            if let best, best.id == face.clusterID {
                (action, message, target) = ("already_assigned", "Already in the cluster for \(name)", best)
            } else if let best {
                target = try tx.assign(faceIDs: [face.id], toCluster: best.id)
                (action, message) = ("moved_to_existing", "Moved to existing cluster for \(name)")
            } else {
                let created = try tx.createCluster(model: embeddingModel, name: name)
                target = try tx.assign(faceIDs: [face.id], toCluster: created.id)
                (action, message) = ("created_new_cluster", "Created new cluster for \(name)")
            }
            try tx.deleteEmptyClusters()
            try tx.appendAudit(action: "correct_face", detail: NamingAudit(clusterID: target.id, faceID: face.id, newName: name))
            return PeopleChange(message: message, clusterID: target.id, actionTaken: action, faceCount: target.faceCount)
        }
    }

    /// Removes the "not `name`" decisions about the faces: the user now says they are `name`.
    static func withdrawRejections(of name: String, faces: [Int64], in tx: any FaceStoreTransaction) throws {
        for id in faces {
            for constraint in try tx.constraints(forFace: id)
            where constraint.kind == .cannotLink && constraint.faceID == id && constraint.target == .person(name) {
                try tx.removeConstraint(id: constraint.id)
            }
        }
    }

    /// The face a correction is about.
    static func face(imageID: String, faceID: Int64?, in tx: any FaceStoreTransaction) throws -> StoredFace {
        guard try tx.image(imageID: imageID) != nil else {
            throw VisageError(.imageUnknown, "no image with image_id '\(imageID)' has been recognised")
        }
        let faces = try tx.faces(imageID: imageID)
        if let faceID {
            guard let face = faces.first(where: { $0.id == faceID }) else {
                throw VisageError(.faceNotFound, "image '\(imageID)' has no face \(faceID)")
            }
            return face
        }
        switch faces.count {
        case 1: return faces[0]
        case 0: throw VisageError(.faceNotFound, "image '\(imageID)' has no faces")
        default:
            throw VisageError(
                .faceAmbiguous,
                "image '\(imageID)' has \(faces.count) faces (ids \(faces.map(\.id).map(String.init).joined(separator: ", "))); say which with face_id"
            )
        }
    }

    static func similarity(_ a: [Float]?, _ b: [Float]) -> Float {
        guard let a, a.count == b.count else { return -1 }
        return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
