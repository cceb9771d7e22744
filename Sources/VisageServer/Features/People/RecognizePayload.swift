import Foundation
import VisageCore
import VisageRecognition
import VisageXMP

/// The body of `POST /faces/recognize` (seed 000).
struct RecognizeBody: ValidatedBody {
    let imageID: String
    let imagePath: String
    let saveAnnotated: Bool?
    /// Required by the contract; nil here becomes `invalid_orientation`, not `invalid_json`, so
    /// the caller learns exactly what is wrong.
    let orientation: Int?
    let xmpRegions: ExiftoolRegionInfo?

    enum CodingKeys: String, CodingKey {
        case imageID = "image_id", imagePath = "image_path", saveAnnotated = "save_annotated", orientation
        case xmpRegions = "xmp_regions"
    }

    func validate() throws {
        try TextField.imageID(imageID)
        try TextField.checked(imagePath, field: "image_path", maxLength: TextField.maxFileLength)
    }
}

extension RecognizeBody {
    /// The EXIF orientation, which the contract requires: checked before the image is loaded.
    func requiredOrientation() throws -> Int {
        guard let orientation else {
            throw VisageError(.invalidOrientation, "orientation is required: the EXIF orientation (1-8) the caller read")
        }
        return orientation
    }

    /// The service's request, its own mistakes reported before any decoding, as the service would.
    func request(orientation: Int) throws -> RecognizeRequest {
        let request = RecognizeRequest(
            imageID: imageID, imagePath: imagePath, orientation: orientation, xmpRegions: xmpRegions,
            saveAnnotated: saveAnnotated ?? false)
        _ = try request.validated()
        return request
    }
}

/// The seed's recognise response, plus `face_id` per face, the displayed `width`/`height` and,
/// when asked for, `annotated_image_path`.
struct RecognizePayload: Encodable {
    let result: RecognitionResult

    enum CodingKeys: String, CodingKey {
        case imageID = "image_id", imagePath = "image_path", width, height, faces
        case unmatchedInputFaces = "unmatched_input_faces", modelsUsed = "models_used"
        case annotatedImagePath = "annotated_image_path"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(result.imageID, forKey: .imageID)
        try container.encode(result.imagePath, forKey: .imagePath)
        try container.encode(result.width, forKey: .width)
        try container.encode(result.height, forKey: .height)
        try container.encode(result.faces.map(RecognizedFacePayload.init), forKey: .faces)
        try container.encode(result.unmatchedInputFaces, forKey: .unmatchedInputFaces)
        try container.encode(result.modelsUsed, forKey: .modelsUsed)
        try container.encodeIfPresent(result.annotatedImagePath, forKey: .annotatedImagePath)
    }
}

struct RecognizedFacePayload: Encodable {
    let face: RecognizedFace

    enum CodingKeys: String, CodingKey {
        case faceID = "face_id", personName = "person_name", cluster
        case inputFaceMatch = "input_face_match", nameMismatch = "name_mismatch"
    }

    enum ClusterKeys: String, CodingKey {
        case clusterID = "cluster_id", name, confidence, consensusCount = "consensus_count"
        case referenceImageIDs = "reference_image_ids", isNewCluster = "is_new_cluster", centroid
    }

    func encode(to encoder: Encoder) throws {
        // The detection fields (bbox, landmarks, pose, age, gender) exactly as /faces/detect.
        try FacePayload(face: face.face).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(face.faceID, forKey: .faceID)
        try container.encode(face.personName, forKey: .personName)
        var cluster = container.nestedContainer(keyedBy: ClusterKeys.self, forKey: .cluster)
        let match = face.cluster
        try cluster.encode(match.clusterID, forKey: .clusterID)
        try cluster.encode(match.name, forKey: .name)
        try cluster.encode(FacePayload.rounded(match.confidence, places: 4), forKey: .confidence)
        try cluster.encode(match.consensusCount, forKey: .consensusCount)
        try cluster.encode(match.referenceImageIDs, forKey: .referenceImageIDs)
        try cluster.encode(match.isNewCluster, forKey: .isNewCluster)
        try cluster.encode(match.centroid.map { FacePayload.rounded($0, places: 4) }, forKey: .centroid)
        try container.encode(face.inputFaceMatch.map(Self.rounded), forKey: .inputFaceMatch)
        try container.encode(face.nameMismatch, forKey: .nameMismatch)
    }

    private static func rounded(_ match: InputFaceMatch) -> InputFaceMatch {
        var match = match
        match.confidence = FacePayload.rounded(match.confidence, places: 4)
        match.inputBox = match.inputBox.map(FacePayload.pixels)
        match.centroid = match.centroid.map { FacePayload.rounded($0, places: 4) }
        return match
    }
}
