import Foundation

/// The seed's response, plus `errors`: the images that could not be used, each with its index
/// in the request and an error code, so one bad image never fails the batch.
struct ExtractResponse: Encodable {
    struct Face: Encodable {
        let embedding: [Float]
        let headshotBase64: String
        let confidence: Double
        let faceID: String
        let imageIndex: Int
        let occurrences: Int

        enum CodingKeys: String, CodingKey {
            case embedding, confidence, occurrences
            case headshotBase64 = "headshot_base64", faceID = "face_id", imageIndex = "image_index"
        }
    }

    struct ImageError: Encodable {
        let index: Int
        let code: String
        let message: String
    }

    let faces: [Face]
    let totalFacesDetected: Int
    let uniqueFaces: Int
    let imagesProcessed: Int
    let errors: [ImageError]
    let requestID: String
    let processingTimeMs: Double

    enum CodingKeys: String, CodingKey {
        case faces, errors
        case totalFacesDetected = "total_faces_detected", uniqueFaces = "unique_faces"
        case imagesProcessed = "images_processed", requestID = "request_id", processingTimeMs = "processing_time_ms"
    }
}
