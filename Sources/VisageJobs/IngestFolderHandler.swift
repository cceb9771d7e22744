import Foundation
import VisageCore
import VisageImaging
import VisageRecognition

/// `ingest_folder`: recognises every image under the folder, each under its path as
/// `image_id`, so a retry replaces what an earlier attempt stored instead of adding to it.
/// Progress: images done of the folder's images.
public struct IngestFolderHandler: JobHandler {
    public let kind = JobKind.ingestFolder
    let recognition: RecognitionService

    public init(recognition: RecognitionService) {
        self.recognition = recognition
    }

    public func run(_ context: JobContext) throws -> String {
        let payload = try JobJSON.decode(FolderPayload.self, from: context.job.payload)
        let files = ImageFiles.collect([payload.folder])
        var result = IngestResult(images: files.count)
        try context.progress(done: 0, total: files.count)
        for (index, file) in files.enumerated() {
            do {
                let orientation = try recognition.configuration.decoder.header(.file(file)).orientation.rawValue
                let recognized = try recognition.recognize(RecognizeRequest(imageID: file, imagePath: file, orientation: orientation))
                result.add(recognized)
            } catch let error where SkippedItem.isItemFault(error) {
                result.skip(SkippedItem(item: file, error: error))
            }
            try context.progress(done: index + 1, total: files.count)
        }
        return try JobJSON.encode(result)
    }
}

/// What an ingest job did: images recognised, faces stored, people new to the library, and the
/// items it skipped (the first `SkippedList.limit`, with their count).
public struct IngestResult: Codable, Sendable, Equatable {
    public var images: Int
    public var recognized = 0
    public var faces = 0
    public var newPeople = 0
    public var skippedCount = 0
    public var skipped: [SkippedItem] = []

    enum CodingKeys: String, CodingKey {
        case images, recognized, faces, skipped
        case newPeople = "new_people", skippedCount = "skipped_count"
    }

    init(images: Int) {
        self.images = images
    }

    mutating func add(_ result: RecognitionResult) {
        recognized += 1
        faces += result.faces.count
        newPeople += result.faces.filter(\.cluster.isNewCluster).count
    }

    mutating func skip(_ item: SkippedItem) {
        skippedCount += 1
        if skipped.count < SkippedList.limit { skipped.append(item) }
    }
}
