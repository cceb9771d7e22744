import Foundation
import VisageRecognition

/// `{"success": true, "message": ...}` plus whichever of the change's details apply.
struct PeopleChangePayload: Encodable {
    let change: PeopleChange

    enum CodingKeys: String, CodingKey {
        case success, message
        case clusterID = "cluster_id", actionTaken = "action_taken", faceCount = "face_count", clusters, faces
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(true, forKey: .success)
        try container.encode(change.message, forKey: .message)
        try container.encodeIfPresent(change.clusterID, forKey: .clusterID)
        try container.encodeIfPresent(change.actionTaken, forKey: .actionTaken)
        try container.encodeIfPresent(change.faceCount, forKey: .faceCount)
        try container.encodeIfPresent(change.clusters, forKey: .clusters)
        try container.encodeIfPresent(change.faces, forKey: .faces)
    }
}

struct FaceInfoPayload: Encodable {
    struct Entry: Encodable {
        let clusterID: String
        let name: String?
        let faceCount: Int
        let pinned: Bool
        let embeddingModel: String
        let coverFaceID: Int64?

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id", name, faceCount = "face_count", pinned, embeddingModel = "embedding_model"
            case coverFaceID = "cover_face_id"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clusterID, forKey: .clusterID)
            try container.encode(name, forKey: .name)  // null, as the seed shows, not absent
            try container.encode(faceCount, forKey: .faceCount)
            try container.encode(pinned, forKey: .pinned)
            try container.encode(embeddingModel, forKey: .embeddingModel)
            try container.encode(coverFaceID, forKey: .coverFaceID)  // null for an empty cluster
        }
    }

    let totalClusters: Int
    let namedClusters: Int
    let totalFaces: Int
    let clusters: [Entry]

    enum CodingKeys: String, CodingKey {
        case totalClusters = "total_clusters", namedClusters = "named_clusters", totalFaces = "total_faces", clusters
    }

    init(_ info: FaceInfo) {
        totalClusters = info.totalClusters
        namedClusters = info.namedClusters
        totalFaces = info.totalFaces
        clusters = info.clusters.map {
            Entry(
                clusterID: $0.clusterID, name: $0.name, faceCount: $0.faceCount, pinned: $0.pinned,
                embeddingModel: $0.embeddingModel, coverFaceID: $0.coverFaceID)
        }
    }
}

struct SuggestionsPayload: Encodable {
    struct Entry: Encodable {
        let clusterID: String
        let faceCount: Int
        let suggestedName: String
        let similarityScore: Double
        let referenceClusterID: String

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id", faceCount = "face_count", suggestedName = "suggested_name"
            case similarityScore = "similarity_score", referenceClusterID = "reference_cluster_id"
        }
    }

    let suggestions: [Entry]

    init(_ suggestions: [NameSuggestion]) {
        self.suggestions = suggestions.map {
            Entry(
                clusterID: $0.clusterID, faceCount: $0.faceCount, suggestedName: $0.suggestedName,
                similarityScore: FacePayload.rounded($0.similarityScore, places: 4), referenceClusterID: $0.referenceClusterID)
        }
    }
}

/// `GET /faces/clusters/{cluster_id}/similar`.
struct SimilarClustersPayload: Encodable {
    struct Entry: Encodable {
        let clusterID: String
        let name: String?
        let faceCount: Int
        let coverFaceID: Int64?
        let similarity: Double

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id", name, faceCount = "face_count", coverFaceID = "cover_face_id", similarity
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clusterID, forKey: .clusterID)
            try container.encode(name, forKey: .name)
            try container.encode(faceCount, forKey: .faceCount)
            try container.encode(coverFaceID, forKey: .coverFaceID)
            try container.encode(similarity, forKey: .similarity)
        }
    }

    let clusterID: String
    let similar: [Entry]

    enum CodingKeys: String, CodingKey { case clusterID = "cluster_id", similar }

    init(clusterID: String, similar: [SimilarCluster]) {
        self.clusterID = clusterID
        self.similar = similar.map {
            Entry(
                clusterID: $0.clusterID, name: $0.name, faceCount: $0.faceCount, coverFaceID: $0.coverFaceID,
                similarity: FacePayload.rounded($0.similarity, places: 4))
        }
    }
}

/// `POST /faces/search`.
struct FaceSearchPayload: Encodable {
    struct Face: Encodable {
        let bbox: [Double]
        let confidence: Double
        let matches: [Match]
    }

    struct Match: Encodable {
        let faceID: Int64
        let imageID: String
        let clusterID: String?
        let name: String?
        let similarity: Double

        enum CodingKeys: String, CodingKey {
            case faceID = "face_id", imageID = "image_id", clusterID = "cluster_id", name, similarity
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(faceID, forKey: .faceID)
            try container.encode(imageID, forKey: .imageID)
            try container.encode(clusterID, forKey: .clusterID)
            try container.encode(name, forKey: .name)
            try container.encode(similarity, forKey: .similarity)
        }
    }

    let faces: [Face]
    let modelsUsed: [String: String]

    enum CodingKeys: String, CodingKey { case faces, modelsUsed = "models_used" }

    init(faces: [SearchedFace], modelsUsed: [String: String]) {
        self.faces = faces.map { face in
            Face(
                bbox: [face.box.x, face.box.y, face.box.width, face.box.height].map(FacePayload.pixels),
                confidence: FacePayload.rounded(face.confidence, places: 4),
                matches: face.matches.map {
                    Match(
                        faceID: $0.faceID, imageID: $0.imageID, clusterID: $0.clusterID, name: $0.name,
                        similarity: FacePayload.rounded($0.similarity, places: 4))
                })
        }
        self.modelsUsed = modelsUsed
    }
}

struct FaceListPayload: Encodable {
    struct Entry: Encodable {
        let faceID: Int64
        let imageID: String
        let imagePath: String
        let bbox: [Double]
        let confidence: Double
        let clusterID: String?
        let labelName: String?
        let labelSource: String?

        enum CodingKeys: String, CodingKey {
            case faceID = "face_id", imageID = "image_id", imagePath = "image_path", bbox, confidence
            case clusterID = "cluster_id", labelName = "label_name", labelSource = "label_source"
        }
    }

    let name: String?
    let clusterID: String?
    let faceCount: Int
    let faces: [Entry]

    enum CodingKeys: String, CodingKey {
        case name, clusterID = "cluster_id", faceCount = "face_count", faces
    }

    init(name: String? = nil, clusterID: String? = nil, faces: [FaceListing]) {
        self.name = name
        self.clusterID = clusterID
        faceCount = faces.count
        self.faces = faces.map {
            Entry(
                faceID: $0.faceID, imageID: $0.imageID, imagePath: $0.imagePath, bbox: $0.bbox.map(FacePayload.pixels),
                confidence: FacePayload.rounded($0.confidence, places: 4), clusterID: $0.clusterID,
                labelName: $0.labelName, labelSource: $0.labelSource)
        }
    }
}

struct ReclusterPayload: Encodable {
    let figures: ReclusterFigures

    init(_ summary: ReclusterSummary) {
        figures = ReclusterFigures(summary)
    }

    func encode(to encoder: Encoder) throws {
        try figures.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(true, forKey: .success)
    }

    enum CodingKeys: String, CodingKey { case success }
}

/// What a recluster did, in `POST /faces/recluster` and in `/health`'s last background pass.
struct ReclusterFigures: Encodable, Sendable {
    let faces: Int
    let clustersBefore: Int
    let clustersAfter: Int
    let facesMoved: Int
    let seconds: Double

    enum CodingKeys: String, CodingKey {
        case faces, clustersBefore = "clusters_before", clustersAfter = "clusters_after"
        case facesMoved = "faces_moved", seconds
    }

    init(_ summary: ReclusterSummary) {
        faces = summary.faces
        clustersBefore = summary.clustersBefore
        clustersAfter = summary.clustersAfter
        facesMoved = summary.facesMoved
        seconds = FacePayload.rounded(summary.seconds, places: 3)
    }
}
