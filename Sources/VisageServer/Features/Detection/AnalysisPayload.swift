import Foundation
import VisageCore
import VisageImaging

/// One image's faces as JSON: the line `visage analyze --json` prints and the body of
/// `POST /faces/detect`. Fields the contract lists are always present, as null when unknown (age
/// and gender without an attribute model).
public struct ImageAnalysisPayload: Encodable, Sendable {
    let path: String
    let width: Int
    let height: Int
    let orientation: Int
    let format: String
    let faces: [FacePayload]
    let modelsUsed: [String: String]

    enum CodingKeys: String, CodingKey {
        case path, width, height, orientation, format, faces
        case modelsUsed = "models_used"
    }

    public init(path: String, decoded: DecodedImage, faces: [AnalyzedFace], modelsUsed: [String: String]) {
        self.path = path
        width = decoded.header.width
        height = decoded.header.height
        orientation = decoded.header.orientation.rawValue
        format = decoded.header.format
        self.faces = faces.map(FacePayload.init)
        self.modelsUsed = modelsUsed
    }
}

struct FacePayload: Encodable, Sendable {
    let face: AnalyzedFace

    enum CodingKeys: String, CodingKey { case bbox, confidence, landmarks, pose, age, gender, quality, embedding }
    enum LandmarkKeys: String, CodingKey {
        case leftEye = "left_eye", rightEye = "right_eye", nose, leftMouth = "left_mouth", rightMouth = "right_mouth"
    }
    enum PoseKeys: String, CodingKey { case yaw, pitch, roll }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let box = face.detection.box
        try container.encode([box.x, box.y, box.width, box.height].map(Self.pixels), forKey: .bbox)
        try container.encode(Self.rounded(face.detection.confidence, places: 4), forKey: .confidence)
        var landmarks = container.nestedContainer(keyedBy: LandmarkKeys.self, forKey: .landmarks)
        let points = face.detection.landmarks
        for (key, point) in zip([LandmarkKeys.leftEye, .rightEye, .nose, .leftMouth, .rightMouth], points.points) {
            try landmarks.encode([Self.pixels(point.x), Self.pixels(point.y)], forKey: key)
        }
        var pose = container.nestedContainer(keyedBy: PoseKeys.self, forKey: .pose)
        try pose.encode(Self.rounded(face.pose.yaw, places: 1), forKey: .yaw)
        try pose.encode(Self.rounded(face.pose.pitch, places: 1), forKey: .pitch)
        try pose.encode(Self.rounded(face.pose.roll, places: 1), forKey: .roll)
        try container.encode(face.age, forKey: .age)
        try container.encode(face.gender?.rawValue, forKey: .gender)
        // Measured with the embedding, so only faces that were embedded have one.
        if let quality = face.quality { try container.encode(quality.score, forKey: .quality) }
        if let embedding = face.embedding { try container.encode(embedding, forKey: .embedding) }
    }

    static func pixels(_ value: Double) -> Double { rounded(value, places: 2) }
    static func rounded(_ value: Double, places: Int) -> Double {
        let factor = pow(10, Double(places))
        return (value * factor).rounded() / factor
    }
}

public struct ImageErrorPayload: Encodable, Sendable {
    let path: String
    let error: ErrorBody

    struct ErrorBody: Encodable, Sendable {
        let code: String
        let message: String
    }

    public init(path: String, error: VisageError) {
        self.path = path
        self.error = ErrorBody(code: error.code, message: error.message)
    }
}
