import Foundation
import VisageCore
import VisageInput
import VisageRecognition

/// `ingest_urls`: fetches each URL through the server's `ImageFetcher` (its address rules on
/// every hop, byte cap and deadline) and recognises the image under the URL as `image_id`, so a
/// retry replaces rather than duplicates. Progress: URLs done of the list.
public struct IngestURLsHandler: JobHandler {
    public let kind = JobKind.ingestURLs
    let recognition: RecognitionService
    let fetcher: ImageFetcher

    public init(recognition: RecognitionService, fetcher: ImageFetcher) {
        self.recognition = recognition
        self.fetcher = fetcher
    }

    public func run(_ context: JobContext) throws -> String {
        let payload = try JobJSON.decode(URLListPayload.self, from: context.job.payload)
        var result = IngestResult(images: payload.urls.count)
        try context.progress(done: 0, total: payload.urls.count)
        for (index, url) in payload.urls.enumerated() {
            do {
                let loaded = try Blocking.wait { [fetcher] in try await fetcher.load(.url(url)) }
                let configuration = recognition.configuration
                let image = try fetcher.decode(loaded, decoder: configuration.decoder, maxSide: configuration.maxSide)
                let request = RecognizeRequest(imageID: url, imagePath: url, orientation: image.header.orientation.rawValue, image: image)
                result.add(try recognition.recognize(request))
            } catch let error where SkippedItem.isItemFault(error) {
                result.skip(SkippedItem(item: url, error: error))
            }
            try context.progress(done: index + 1, total: payload.urls.count)
        }
        return try JobJSON.encode(result)
    }
}

/// Waits on a worker's own thread for async work (a download, which runs on NIO's event loops).
/// Never call it from the cooperative pool.
enum Blocking {
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.set(.success(try await work()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }

    private final class Outcome<T: Sendable>: @unchecked Sendable {
        // @unchecked: written once before the semaphore is signalled, read after the wait.
        private var result: Result<T, any Error>?
        func set(_ value: Result<T, any Error>) { result = value }
        func get() throws -> T { try result!.get() }
    }
}
