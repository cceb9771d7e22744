import Foundation
import VisageCore
import VisageImaging
import VisageStorage

extension RecognitionService {
    /// The seed's `GET /faceinfo`: clusters, largest first, filtered by id or name.
    /// An unknown `clusterID` is `cluster_not_found`; an unknown name gives an empty list.
    public func faceInfo(clusterID: String? = nil, personName: String? = nil) throws -> FaceInfo {
        try store.read { tx in
            var clusters = try tx.clusters()
            if let clusterID {
                guard let cluster = try tx.cluster(id: clusterID) else {
                    throw VisageError(.clusterNotFound, "no cluster with id \(clusterID)")
                }
                clusters = [cluster]
            }
            if let personName {
                let wanted = personName.trimmingCharacters(in: .whitespacesAndNewlines)
                clusters = clusters.filter { $0.name == wanted }
            }
            clusters.sort { $0.faceCount != $1.faceCount ? $0.faceCount > $1.faceCount : $0.id < $1.id }
            let summaries = clusters.map {
                ClusterSummary(
                    clusterID: $0.id, name: $0.name, faceCount: $0.faceCount, pinned: $0.pinned,
                    embeddingModel: $0.embeddingModel)
            }
            return FaceInfo(
                totalClusters: summaries.count, namedClusters: summaries.filter { $0.name != nil }.count,
                totalFaces: summaries.reduce(0) { $0 + $1.faceCount }, clusters: summaries)
        }
    }

    /// Names for unnamed clusters: for each, the named cluster of the same model whose centroid
    /// is most similar, when at least `minSimilarity` (cosine). Best first.
    public func nameSuggestions(clusterID: String? = nil, minSimilarity: Double = 0.6) throws -> [NameSuggestion] {
        guard minSimilarity.isFinite, (-1...1).contains(minSimilarity) else {
            throw VisageError(.invalidRequest, "min_similarity must be between -1 and 1")
        }
        return try store.read { tx in
            let all = try tx.clusters()
            var unnamed = all.filter { $0.name == nil && $0.faceCount > 0 }
            if let clusterID {
                guard let cluster = try tx.cluster(id: clusterID) else {
                    throw VisageError(.clusterNotFound, "no cluster with id \(clusterID)")
                }
                unnamed = cluster.name == nil ? [cluster] : []
            }
            let named = all.filter { $0.name != nil && $0.centroid != nil }
            var suggestions: [NameSuggestion] = []
            for cluster in unnamed {
                guard let centroid = cluster.centroid else { continue }
                let scored = named.filter { $0.embeddingModel == cluster.embeddingModel }
                    .map { ($0, Self.similarity($0.centroid, centroid)) }
                guard let best = scored.max(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.id > $1.0.id }),
                    Double(best.1) >= minSimilarity
                else { continue }
                suggestions.append(
                    NameSuggestion(
                        clusterID: cluster.id, faceCount: cluster.faceCount,
                        suggestedName: best.0.name!, similarityScore: Double(best.1),
                        referenceClusterID: best.0.id))
            }
            return suggestions.sorted {
                $0.similarityScore != $1.similarityScore ? $0.similarityScore > $1.similarityScore : $0.clusterID < $1.clusterID
            }
        }
    }

    /// Faces of a person: in clusters with the name, or labelled with it. `person_not_found`
    /// when there are none.
    public func faces(ofPerson name: String) throws -> [FaceListing] {
        let listing = try store.read { tx in try Self.listing(try tx.faces(ofPerson: name), in: tx) }
        guard !listing.isEmpty else { throw VisageError(.personNotFound, "nobody is named '\(name)'") }
        return listing
    }

    /// Faces of a cluster.
    public func faces(inCluster clusterID: String) throws -> [FaceListing] {
        try store.read { tx in
            guard try tx.cluster(id: clusterID) != nil else { throw VisageError(.clusterNotFound, "no cluster with id \(clusterID)") }
            return try Self.listing(try tx.faces(inCluster: clusterID), in: tx)
        }
    }

    /// Faces of a recognised image.
    public func faces(ofImage imageID: String) throws -> [FaceListing] {
        try store.read { tx in
            guard try tx.image(imageID: imageID) != nil else {
                throw VisageError(.imageUnknown, "no image with image_id '\(imageID)' has been recognised")
            }
            return try Self.listing(try tx.faces(imageID: imageID), in: tx)
        }
    }

    private static func listing(_ faces: [StoredFace], in tx: any FaceStoreReading) throws -> [FaceListing] {
        let images = try tx.images(rowIDs: Set(faces.map(\.imageRowID)))
        return faces.map { face in
            let image = images[face.imageRowID]
            return FaceListing(
                faceID: face.id, imageID: image?.imageID ?? "", imagePath: image?.path ?? "",
                bbox: [face.box.x, face.box.y, face.box.width, face.box.height],
                confidence: face.confidence, clusterID: face.clusterID, labelName: face.label?.name,
                labelSource: face.label?.source.rawValue)
        }
    }

    /// A square JPEG of the face with some context around it, `size` pixels a side, for a UI.
    /// Read from the image's file, so it fails with the decoder's codes if the file moved.
    public func faceCrop(faceID: Int64, size: Int = 160) throws -> Data {
        guard (16...1024).contains(size) else { throw VisageError(.invalidRequest, "size must be from 16 to 1024 pixels") }
        let (face, image) = try store.read { tx -> (StoredFace, StoredImage) in
            guard let face = try tx.face(id: faceID) else { throw VisageError(.faceNotFound, "no face with id \(faceID)") }
            guard let image = try tx.images(rowIDs: [face.imageRowID])[face.imageRowID] else {
                throw VisageError(.faceNotFound, "face \(faceID) has no image")
            }
            return (face, image)
        }
        let decoded = try configuration.decoder.decode(.file(image.path), maxSide: configuration.maxSide)
        // A square around the box, half again its larger side: forehead, chin and ears show.
        let side = max(face.box.width, face.box.height) * 1.5 * decoded.scale
        let center = face.box.center
        let square = BoundingBox(
            x: center.x * decoded.scale - side / 2, y: center.y * decoded.scale - side / 2,
            width: side, height: side)
        return try decoded.image.squareCrop(square, side: size).encoded(.jpeg(quality: 90))
    }
}
