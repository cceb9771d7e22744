/// `POST /analyze`'s answer in seed 000's shape: `face_recognition` (as `/faces/recognize`
/// answers), `image_caption` (as `/images/caption`) and `image_encode` (as `/images/encode`),
/// each part null when it was skipped, and `skipped` with each skipped part's reason.
struct AnalyzePayload: Encodable {
    let analysis: CombinedAnalysis

    enum CodingKeys: String, CodingKey {
        case faceRecognition = "face_recognition", imageCaption = "image_caption", imageEncode = "image_encode", skipped
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let recognized = analysis.recognized
        try container.encode(RecognizePayload(result: recognized), forKey: .faceRecognition)
        try container.encode(
            analysis.caption.map {
                CaptionPayload(imageID: recognized.imageID, imagePath: recognized.imagePath, description: $0.description, modelName: $0.modelName)
            }, forKey: .imageCaption)
        try container.encode(
            analysis.encoded.map {
                EncodeImagePayload(
                    imageID: $0.embedding.imageID, imagePath: $0.embedding.imagePath, dimensions: $0.embedding.vector.count,
                    replaced: $0.replaced, modelsUsed: ["image_encoding": $0.embedding.model])
            }, forKey: .imageEncode)
        try container.encode(analysis.skipped, forKey: .skipped)
    }
}
