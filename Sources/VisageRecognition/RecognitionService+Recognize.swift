import Foundation
import VisageClustering
import VisageCore
import VisageFaces
import VisageImaging
import VisageModels
import VisageSearch
import VisageStorage
import VisageXMP

extension RecognitionService {
    /// Analyses the image, labels its faces from XMP regions, stores them (replacing an earlier
    /// analysis of the same `image_id`) and puts each new face into a person.
    public func recognize(_ request: RecognizeRequest) throws -> RecognitionResult {
        let (orientation, imageID) = try request.validated()
        let decoded = try request.image ?? configuration.decoder.decode(.file(request.imagePath), maxSide: configuration.maxSide)
        let regions = inputRegions(request, orientation: orientation)
        let faces = try analyzer.analyze(decoded, options: configuration.analysis)
        let matching = RegionMatcher().match(
            regions: regions, faces: faces.map(\.detection.box),
            imageWidth: decoded.header.width, imageHeight: decoded.header.height)
        // The file's hash lets a photo manager tell an edited file from the one analysed.
        let contentHash = try? FileDigest.of(URL(fileURLWithPath: request.imagePath)).sha256
        let newFaces = try zip(faces, matching.faces).map { face, match in
            try NewFace(face, label: match?.name.map { FaceLabel(name: $0, source: .xmp) })
        }

        // The index follows the store only after the commit: a rolled-back save leaves both
        // untouched.
        let (saved, decisions) = try library.write { tx, changes in
            let saved = try tx.saveAnalysis(
                imageID: imageID, path: request.imagePath, width: decoded.header.width,
                height: decoded.header.height, orientation: decoded.header.orientation.rawValue,
                contentHash: contentHash, faces: newFaces, model: embeddingModel)
            let sameImage = Set(saved.faces.map(\.id) + saved.removedFaceIDs)
            let decisions = try saved.faces.map { face in
                try placeFace(face, imageRowID: saved.image.id, excluding: sameImage, in: tx)
            }
            changes.record(saved)
            return (saved, decisions)
        }
        // Faces seen for the first time (a re-posted image's faces keep their person).
        activity.facesAdded(saved.faces.filter { $0.clusterID == nil }.count)

        let width = Double(decoded.header.width), height = Double(decoded.header.height)
        var recognized: [RecognizedFace] = []
        for (i, face) in faces.enumerated() {
            let placement = decisions[i]
            let center = face.detection.box.center
            let label = saved.faces[i].label?.name
            recognized.append(
                RecognizedFace(
                    faceID: saved.faces[i].id, face: face,
                    personName: label ?? placement.clusterName,
                    cluster: ClusterMatch(
                        clusterID: placement.clusterID, name: placement.clusterName,
                        confidence: Double(placement.confidence), consensusCount: placement.consensusCount,
                        referenceImageIDs: placement.referenceImageIDs, isNewCluster: placement.isNew,
                        centroid: [center.x / width, center.y / height]),
                    inputFaceMatch: matching.faces[i],
                    nameMismatch: VisageXMP.nameMismatch(clusterName: placement.clusterName, regionName: matching.faces[i]?.name)))
        }
        var result = RecognitionResult(
            imageID: imageID, imagePath: request.imagePath, width: decoded.header.width,
            height: decoded.header.height, faces: recognized,
            unmatchedInputFaces: matching.unmatchedRegions, modelsUsed: analyzer.modelsUsed,
            annotatedImagePath: nil, removedFaceIDs: saved.removedFaceIDs)
        if request.saveAnnotated {
            result.annotatedImagePath = try saveAnnotatedCopy(of: decoded, result: result)
        }
        return result
    }

    /// The metadata regions in displayed normalised coordinates: the request's (turned with the
    /// caller's orientation), else the file's or its sidecar's (turned with the file's).
    /// Unreadable metadata is no reason to fail recognition; it just names nobody.
    private func inputRegions(_ request: RecognizeRequest, orientation: ExifOrientation) -> [FaceRegion] {
        if let given = request.xmpRegions {
            return displayed(RegionSourcePolicy.resolve(given.xmpRegions).regions, orientation: orientation)
        }
        return (try? regionReader.read(imageAt: request.imagePath).displayedRegions) ?? []
    }
}

/// Where one face of a recognised image ended up.
struct FacePlacement {
    var clusterID: String
    var clusterName: String?
    var confidence: Float
    var consensusCount: Int
    var referenceImageIDs: [String]
    var isNew: Bool
}

extension RecognitionService {
    /// Puts a just-saved face into a person, or reports the person it already has (a face
    /// found again when an image is re-posted keeps its cluster).
    ///
    /// A face the metadata names joins that person's best cluster (the user's word is final);
    /// if nobody has the name yet, the name goes to the cluster the neighbours choose, when it
    /// is unnamed, or to a new cluster. Clusters with another name are never chosen for it.
    func placeFace(
        _ face: StoredFace, imageRowID: Int64, excluding sameImage: Set<Int64>,
        in tx: any FaceStoreTransaction
    ) throws -> FacePlacement {
        let parameters = clusteringParameters
        let neighbors = try index.search(
            face.embedding, k: max(parameters.neighborsExamined, parameters.personNeighborsExamined), excluding: sameImage)
        // The nearest `neighborsExamined` vote; the wider set serves the person-level fallback.
        let voters = Array(neighbors.prefix(parameters.neighborsExamined))
        let clusterOfNeighbor = try tx.clusterIDs(ofFaces: neighbors.map(\.id))
        var clusters: [String: Cluster] = [:]
        for id in Set(clusterOfNeighbor.values) { clusters[id] = try tx.cluster(id: id) }
        let label = face.label?.name

        if let current = face.clusterID, var cluster = try tx.cluster(id: current) {
            if let label, cluster.name == nil { cluster = try tx.setClusterName(current, name: label) }
            let agreeing = voters.filter { clusterOfNeighbor[$0.id] == current && $0.similarity >= parameters.neighborSimilarity }
            let decision = ClusterDecision(
                clusterID: current, consensusCount: agreeing.count,
                referenceFaceIDs: agreeing.map(\.id),
                confidence: agreeing.isEmpty ? 0 : agreeing.map(\.similarity).reduce(0, +) / Float(agreeing.count))
            return try placement(decision, cluster: cluster, isNew: false, in: tx)
        }

        if let label, let named = try bestNamedCluster(label, for: face, votes: voters, clusterOf: clusterOfNeighbor, in: tx) {
            let cluster = try tx.assign(faceIDs: [face.id], toCluster: named.cluster.id)
            return try placement(named.decision, cluster: cluster, isNew: false, in: tx)
        }

        let decision = IncrementalAssignment(parameters: parameters).decide(
            neighbors: neighbors,
            clusterOf: { clusterOfNeighbor[$0] },
            clusterSize: { clusters[$0]?.faceCount ?? 0 },
            isAllowed: { id in
                guard let cluster = clusters[id] else { return false }
                if label != nil, cluster.name != nil { return false }  // named clusters were tried above
                return (try? tx.cluster(id, containsFaceOfImage: imageRowID)) == false
            }, quality: face.quality)
        if let chosen = decision.clusterID {
            var cluster = try tx.assign(faceIDs: [face.id], toCluster: chosen)
            if let label { cluster = try tx.setClusterName(chosen, name: label) }
            return try placement(decision, cluster: cluster, isNew: false, in: tx)
        }
        let created = try tx.createCluster(model: embeddingModel, name: label)
        let cluster = try tx.assign(faceIDs: [face.id], toCluster: created.id)
        return try placement(decision, cluster: cluster, isNew: true, in: tx)
    }

    /// The cluster named `name` a labelled face should join: the one most of its neighbours are
    /// in, else the one whose centroid is closest. Clusters that already hold a face of the same
    /// photo are skipped.
    private func bestNamedCluster(
        _ name: String, for face: StoredFace, votes neighbors: [Neighbor],
        clusterOf: [Int64: String], in tx: any FaceStoreTransaction
    )
        throws -> (cluster: Cluster, decision: ClusterDecision)?
    {
        let candidates = try tx.clusters(named: name, model: embeddingModel).filter {
            try !tx.cluster($0.id, containsFaceOfImage: face.imageRowID)
        }
        let embedding = face.embedding
        let scored = candidates.map { cluster -> (Cluster, [Neighbor], Float) in
            let agreeing = neighbors.filter { clusterOf[$0.id] == cluster.id }
            let centroidSimilarity = cluster.centroid == nil ? 0 : Self.similarity(cluster.centroid, embedding)
            return (cluster, agreeing, centroidSimilarity)
        }
        guard
            let best = scored.max(by: { a, b in
                a.1.count != b.1.count ? a.1.count < b.1.count : (a.2 != b.2 ? a.2 < b.2 : a.0.id > b.0.id)
            })
        else { return nil }
        let decision = ClusterDecision(
            clusterID: best.0.id, consensusCount: best.1.count,
            referenceFaceIDs: best.1.map(\.id), confidence: best.2)
        return (best.0, decision)
    }

    private func placement(
        _ decision: ClusterDecision, cluster: Cluster, isNew: Bool,
        in tx: any FaceStoreTransaction
    ) throws -> FacePlacement {
        let imageIDs = try tx.imageIDs(ofFaces: decision.referenceFaceIDs)
        var seen = Set<String>()
        let references = decision.referenceFaceIDs.compactMap { imageIDs[$0] }.filter { seen.insert($0).inserted }
        return FacePlacement(
            clusterID: cluster.id, clusterName: cluster.name, confidence: decision.confidence,
            consensusCount: decision.consensusCount, referenceImageIDs: references, isNew: isNew)
    }
}
