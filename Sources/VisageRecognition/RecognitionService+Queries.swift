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
            let covers = try tx.coverFaceIDs()
            let summaries = clusters.map {
                ClusterSummary(
                    clusterID: $0.id, name: $0.name, faceCount: $0.faceCount, pinned: $0.pinned,
                    embeddingModel: $0.embeddingModel, coverFaceID: covers[$0.id])
            }
            return FaceInfo(
                totalClusters: summaries.count, namedClusters: summaries.filter { $0.name != nil }.count,
                totalFaces: summaries.reduce(0) { $0 + $1.faceCount }, clusters: summaries)
        }
    }

    /// Names for unnamed clusters: for each, the named cluster of the same model whose centroid
    /// is most similar, when at least `minSimilarity` (cosine). Best first.
    ///
    /// A name forbidden to any face of the cluster (`rejectSuggestion`, a split, a correction)
    /// is never suggested for it; the next best name is, when similar enough.
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
            let rejected = try Self.forbiddenNames(in: tx)
            var suggestions: [NameSuggestion] = []
            for cluster in unnamed {
                guard let centroid = cluster.centroid else { continue }
                let forbidden = rejected[cluster.id] ?? []
                let scored = named.filter { $0.embeddingModel == cluster.embeddingModel && !forbidden.contains($0.name!) }
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

    /// For each cluster, the names forbidden to any of its faces ("not this person").
    static func forbiddenNames(in tx: any FaceStoreReading) throws -> [String: Set<String>] {
        var namesOfFace: [Int64: Set<String>] = [:]
        for constraint in try tx.cannotLinkConstraints() {
            if case .person(let name) = constraint.target { namesOfFace[constraint.faceID, default: []].insert(name) }
        }
        guard !namesOfFace.isEmpty else { return [:] }
        var names: [String: Set<String>] = [:]
        for (face, cluster) in try tx.clusterIDs(ofFaces: Array(namesOfFace.keys)) {
            names[cluster, default: []].formUnion(namesOfFace[face] ?? [])
        }
        return names
    }

    /// The other non-empty clusters of the cluster's embedding model, most similar centroid
    /// first (ties by id), at most `limit`: the candidates a merge picker offers. An empty
    /// cluster has no centroid and so no similar clusters; an unknown one is `cluster_not_found`.
    public func similarClusters(to clusterID: String, limit: Int = 20) throws -> [SimilarCluster] {
        guard (1...100).contains(limit) else { throw VisageError(.invalidRequest, "limit must be from 1 to 100") }
        return try store.read { tx in
            guard let cluster = try tx.cluster(id: clusterID) else {
                throw VisageError(.clusterNotFound, "no cluster with id \(clusterID)")
            }
            guard let centroid = cluster.centroid else { return [] }
            let candidates = try tx.clusters().filter { other in
                other.id != clusterID && other.embeddingModel == cluster.embeddingModel && other.faceCount > 0
            }
            var scored: [(cluster: Cluster, similarity: Double)] = candidates.compactMap { other in
                other.centroid.map { (other, Double(Self.similarity($0, centroid))) }
            }
            scored.sort { a, b in a.similarity != b.similarity ? a.similarity > b.similarity : a.cluster.id < b.cluster.id }
            let covers = try tx.coverFaceIDs()
            return scored.prefix(limit).map { other, similarity in
                SimilarCluster(
                    clusterID: other.id, name: other.name, faceCount: other.faceCount, coverFaceID: covers[other.id],
                    similarity: similarity)
            }
        }
    }

    /// What the library holds, for a status page: counts from one query and the store's size on
    /// disk (nil where unknown).
    public func libraryStatus() throws -> (counts: LibraryCounts, bytes: Int64?) {
        (try store.read { try $0.libraryCounts() }, store.diskUsage())
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
        try faceCrop(faceID: faceID, size: size, notModified: { _ in false }).jpeg ?? Data()
    }

    /// The crop with its entity tag. The tag is derived from the face's id and box, the size,
    /// and the image (row id, path, the file's size and modification time), so finding it
    /// costs a store read and a `stat`, never a decode: when `notModified` says the caller holds
    /// that tag, no JPEG is made. Otherwise the crop comes from `cropCache`, and only a miss
    /// decodes the photo.
    public func faceCrop(faceID: Int64, size: Int, notModified: (String) -> Bool) throws -> FaceCrop {
        guard (16...1024).contains(size) else { throw VisageError(.invalidRequest, "size must be from 16 to 1024 pixels") }
        let (face, image) = try store.read { tx -> (StoredFace, StoredImage) in
            guard let face = try tx.face(id: faceID) else { throw VisageError(.faceNotFound, "no face with id \(faceID)") }
            guard let image = try tx.images(rowIDs: [face.imageRowID])[face.imageRowID] else {
                throw VisageError(.faceNotFound, "face \(faceID) has no image")
            }
            return (face, image)
        }
        let (key, fileFound) = Self.cropKey(face: face, image: image, size: size, maxSide: configuration.maxSide)
        let etag = "\"\(faceID)-\(size)-" + String(StableHash.fnv1a(key), radix: 16) + "\""
        // A file that is gone is never "not modified": the decode below reports it.
        if fileFound, notModified(etag) { return FaceCrop(etag: etag, jpeg: nil) }
        if let cached = cropCache.value(for: key) { return FaceCrop(etag: etag, jpeg: cached) }
        let decoded = try configuration.decoder.decode(.file(image.path), maxSide: configuration.maxSide)
        // A square around the box, half again its larger side: forehead, chin and ears show.
        let side = max(face.box.width, face.box.height) * 1.5 * decoded.scale
        let center = face.box.center
        let square = BoundingBox(
            x: center.x * decoded.scale - side / 2, y: center.y * decoded.scale - side / 2,
            width: side, height: side)
        let jpeg = try decoded.image.squareCrop(square, side: size).encoded(.jpeg(quality: 90))
        cropCache.insert(jpeg, for: key)
        return FaceCrop(etag: etag, jpeg: jpeg)
    }

    /// Everything a crop depends on, exactly (the box's doubles by their bits). A file that is
    /// gone has no size or time: its key matches no cached crop, and the decode reports it.
    static func cropKey(face: StoredFace, image: StoredImage, size: Int, maxSide: Int) -> (key: String, fileFound: Bool) {
        let box = [face.box.x, face.box.y, face.box.width, face.box.height].map { String($0.bitPattern, radix: 16) }
        var file = "missing", found = false
        if let attributes = try? FileManager.default.attributesOfItem(atPath: image.path) {
            let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            file = "\(bytes)@" + String(modified.bitPattern, radix: 16)
            found = true
        }
        let key = [
            "face=\(face.id)", "box=" + box.joined(separator: ","), "size=\(size)", "max=\(maxSide)",
            "image=\(image.id)", "hash=\(image.contentHash ?? "")", "file=\(file)", "path=\(image.path)",
        ].joined(separator: ";")
        return (key, found)
    }
}
