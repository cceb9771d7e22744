import Foundation

/// How a new analysis replaces an image's stored faces (`FaceStoreTransaction.saveAnalysis`), the
/// same on every backend: each new face either takes over the old face it overlaps most
/// (`FaceMatcher`: id, cluster, label and constraints kept, measurements and embedding replaced,
/// the label as `FaceLabel.carriedOver` says, the cluster left when the embedding model changed)
/// or is a new face; old faces with no partner go; every cluster an old face was in is recomputed.
package struct ReanalysisPlan {
    package enum Slot {
        /// An old face found again, to be written over (same id).
        case kept(StoredFace)
        /// A face to insert (its id is 0 until then).
        case new(StoredFace)
    }

    /// One per new face, in the order given.
    package let slots: [Slot]
    package let removedFaceIDs: [Int64]
    /// Every cluster an old face was in, sorted: new faces join none, and kept faces only keep or
    /// leave the cluster they had.
    package let touchedClusterIDs: [String]

    /// `clusterModel`: the embedding model of a stored cluster (nil when there is none).
    package init(
        old: [StoredFace], new: [NewFace], imageRowID: Int64, model: String, at now: Date,
        clusterModel: (String) throws -> String?
    ) throws {
        let oldIndexByNew = FaceMatcher.match(old: old.map(\.box), new: new.map(\.box))
        slots = try new.enumerated().map { newIndex, newFace in
            guard let oldIndex = oldIndexByNew[newIndex] else {
                return .new(StoredFace(newFace, imageRowID: imageRowID, model: model, createdAt: now))
            }
            var face = old[oldIndex]
            face.replaceAnalysis(with: newFace, model: model)
            face.label = FaceLabel.carriedOver(old: old[oldIndex].label, new: newFace.label?.cleaned)
            if let clusterID = face.clusterID, try clusterModel(clusterID) != model { face.clusterID = nil }
            return .kept(face)
        }
        let keptOldIndexes = Set(oldIndexByNew.values)
        removedFaceIDs = old.indices.filter { !keptOldIndexes.contains($0) }.map { old[$0].id }
        touchedClusterIDs = Set(old.compactMap(\.clusterID)).sorted()
    }

    /// All faces of one model have embeddings of one length: the length of the first one ever
    /// stored (`storedDimensions`, nil while the model has none). A mismatch means a model name
    /// was reused for a different model.
    package static func checkEmbeddings(of faces: [NewFace], model: String, storedDimensions: Int?) throws {
        guard !model.isEmpty else { throw StorageErrors.modelMissing() }
        guard let dimensions = faces.first?.embedding.count else { return }
        let expected = storedDimensions ?? dimensions
        for face in faces where face.embedding.count != expected || face.embedding.isEmpty {
            throw StorageErrors.dimensionMismatch(got: face.embedding.count, model: model, expected: expected)
        }
    }
}

extension ConstraintTarget {
    /// The target a row's three exclusive columns name (the schemas' CHECKs keep exactly one set).
    package init(otherFaceID: Int64?, clusterID: String?, personName: String?) {
        if let otherFaceID {
            self = .face(otherFaceID)
        } else if let clusterID {
            self = .cluster(clusterID)
        } else {
            self = .person(personName ?? "")
        }
    }

    /// The target of a new decision about `faceID`: not the face itself (`invalid_constraint`), a
    /// person's name trimmed and not empty. Whether the face or cluster exists is the store's to
    /// check.
    package func checked(for faceID: Int64) throws -> ConstraintTarget {
        switch self {
        case .face(let other):
            guard other != faceID else { throw StorageErrors.selfLink() }
            return self
        case .cluster: return self
        case .person(let name): return .person(try StorageErrors.validName(name))
        }
    }
}
