import Foundation
import VisageCore
import VisageRecognition

/// `reindex`: what `visage reindex` does (re-embed stored faces made by another model, or all
/// with `all`, then recluster). Each image is its own transaction, so a retry resumes where the
/// last attempt stopped. Progress: images done of those to re-embed.
public struct ReindexHandler: JobHandler {
    public let kind = JobKind.reindex
    let recognition: RecognitionService

    public init(recognition: RecognitionService) {
        self.recognition = recognition
    }

    public func run(_ context: JobContext) throws -> String {
        let payload = try JobJSON.decode(ReindexPayload.self, from: context.job.payload)
        let summary = try recognition.reindex(all: payload.all) { done, total in
            // A lost lease surfaces at the end: reindex can't be stopped midway, and is safe to repeat.
            try? context.progress(done: done, total: total)
        }
        try context.checkLease()
        try? recognition.library.saveIndex()
        return try JobJSON.encode(
            ReindexResult(
                images: summary.images, faces: summary.faces, people: summary.recluster.clustersAfter, unreadable: summary.unreadable,
                embeddingModel: recognition.embeddingModel))
    }
}

public struct ReindexResult: Codable, Sendable, Equatable {
    public var images: Int
    public var faces: Int
    public var people: Int
    public var unreadable: [String]
    public var embeddingModel: String

    enum CodingKeys: String, CodingKey {
        case images, faces, people, unreadable
        case embeddingModel = "embedding_model"
    }
}
