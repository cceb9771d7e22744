import Foundation
import VisageCore
import VisageRecognition
import VisageStorage

/// JSON bodies of the face-database endpoints. Boxes are `{x, y, width, height}` in displayed
/// (EXIF-rotated) pixels.
struct BoxPayload: Encodable {
    let x: Double, y: Double, width: Double, height: Double

    init(_ box: BoundingBox) {
        (x, y, width, height) = (
            FacePayload.rounded(box.x, places: 1), FacePayload.rounded(box.y, places: 1),
            FacePayload.rounded(box.width, places: 1), FacePayload.rounded(box.height, places: 1)
        )
    }
}

struct StoredFacePayload: Encodable {
    let faceID: Int64
    let box: BoxPayload
    let confidence: Double
    enum CodingKeys: String, CodingKey { case faceID = "face_id", box, confidence }

    init(_ face: CollectionFace) {
        faceID = face.id
        box = BoxPayload(face.box)
        confidence = FacePayload.rounded(face.confidence, places: 4)
    }
}

struct AddedImagePayload: Encodable {
    let collection: String
    let imageID: String
    let file: String
    let width: Int
    let height: Int
    let faceIDs: [Int64]
    let faces: [StoredFacePayload]
    let replaced: Bool
    let replacedFaces: Int
    let embeddingModel: String

    enum CodingKeys: String, CodingKey {
        case collection, file, width, height, faces, replaced
        case imageID = "image_id", faceIDs = "face_ids", replacedFaces = "replaced_faces", embeddingModel = "embedding_model"
    }

    init(_ added: AddedCollectionImage, embeddingModel: String) {
        collection = added.image.collection
        imageID = added.image.imageID
        file = added.image.file
        width = added.image.width
        height = added.image.height
        faceIDs = added.faces.map(\.id)
        faces = added.faces.map(StoredFacePayload.init)
        replaced = added.replaced
        replacedFaces = added.replacedFaces
        self.embeddingModel = embeddingModel
    }
}

struct StoredImagePayload: Encodable {
    let collection: String
    let imageID: String
    let file: String
    let width: Int
    let height: Int
    let faces: [StoredFacePayload]
    enum CodingKeys: String, CodingKey { case collection, file, width, height, faces, imageID = "image_id" }

    init(image: CollectionImage, faces: [CollectionFace]) {
        collection = image.collection
        imageID = image.imageID
        file = image.file
        width = image.width
        height = image.height
        self.faces = faces.map(StoredFacePayload.init)
    }
}

struct SearchPayload: Encodable {
    struct Match: Encodable {
        let faceID: Int64
        let imageID: String
        let file: String
        let box: BoxPayload
        let distance: Double
        let similarity: Double
        enum CodingKeys: String, CodingKey { case faceID = "face_id", imageID = "image_id", file, box, distance, similarity }
    }

    struct QueryFace: Encodable {
        let box: BoxPayload
        let confidence: Double
        let matches: [Match]
    }

    let collection: String
    let embeddingModel: String
    let minSimilarity: Double
    let maxDistance: Double
    let searchedFaces: Int
    let width: Int
    let height: Int
    let faces: [QueryFace]
    let requestID: String
    let processingTimeMs: Double

    enum CodingKeys: String, CodingKey {
        case collection, faces, width, height
        case embeddingModel = "embedding_model", minSimilarity = "min_similarity", maxDistance = "max_distance"
        case searchedFaces = "searched_faces", requestID = "request_id", processingTimeMs = "processing_time_ms"
    }

    init(_ result: FaceSearchResult, collection: String, embeddingModel: String, requestID: String, processingTimeMs: Double) {
        self.collection = collection
        self.embeddingModel = embeddingModel
        minSimilarity = FacePayload.rounded(Double(result.minSimilarity), places: 4)
        maxDistance = FacePayload.rounded(Double(CollectionMatch.distance(forSimilarity: result.minSimilarity)), places: 4)
        searchedFaces = result.searchedFaces
        width = result.width
        height = result.height
        faces = result.faces.map { face in
            QueryFace(
                box: BoxPayload(face.box), confidence: FacePayload.rounded(face.confidence, places: 4),
                matches: face.matches.map {
                    Match(
                        faceID: $0.faceID, imageID: $0.imageID, file: $0.file, box: BoxPayload($0.box),
                        distance: FacePayload.rounded(Double($0.distance), places: 4),
                        similarity: FacePayload.rounded(Double($0.similarity), places: 4))
                })
        }
        self.requestID = requestID
        self.processingTimeMs = FacePayload.rounded(processingTimeMs, places: 1)
    }
}

struct CollectionsPayload: Encodable {
    let collections: [CollectionSummary]
}

struct DeletedImagePayload: Encodable {
    let collection: String
    let imageID: String
    let deletedFaces: Int
    enum CodingKeys: String, CodingKey { case collection, imageID = "image_id", deletedFaces = "deleted_faces" }
}

struct DeletedCollectionPayload: Encodable {
    let collection: String
    let deletedImages: Int
    enum CodingKeys: String, CodingKey { case collection, deletedImages = "deleted_images" }
}
