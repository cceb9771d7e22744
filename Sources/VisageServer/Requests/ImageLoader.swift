import Foundation
import Hummingbird
import VisageImaging
import VisageInput

/// The one way a route turns a request's image into pixels: read the body (with the larger limit
/// of endpoints that take images), load the input through the input policy (`ImageFetcher`:
/// roots, size, format sniffing), and decode exactly the bytes that were checked.
struct ImageLoader: Sendable {
    let fetcher: ImageFetcher
    let decoder: ImageDecoder
    let maxSide: Int
    /// `ExtractionSettings.maxRequestBytes`: the body limit of endpoints that take images.
    let maxRequestBytes: Int

    /// The request's body as the route's request type, from JSON or multipart.
    func read<Body: ImageRequestBody>(_ type: Body.Type, from request: Request) async throws -> Body {
        try await RequestBodyReader.read(type, from: request, maxBytes: maxRequestBytes)
    }

    /// The input's bytes, checked by the input policy; nothing decoded yet.
    func load(_ input: ImageInput) async throws -> LoadedImage {
        try await fetcher.load(input)
    }

    /// An image or a video (`LoadedImage.videoContainer`), checked by the input policy.
    func loadMedia(_ input: ImageInput) async throws -> LoadedImage {
        try await fetcher.load(input, acceptVideo: true)
    }

    /// Decodes what `load` returned (blocking: call it on the executor).
    func decode(_ loaded: LoadedImage) throws -> DecodedImage {
        try fetcher.decode(loaded, decoder: decoder, maxSide: maxSide)
    }

    /// Loads `input`, then decodes it and runs `work` on the image, both on `executor`.
    func withDecoded<T: Sendable>(
        _ input: ImageInput, on executor: BlockingExecutor,
        _ work: @escaping @Sendable (DecodedImage) throws -> T
    ) async throws -> T {
        let loaded = try await load(input)
        let loader = self
        return try await executor.run { try work(try loader.decode(loaded)) }
    }
}
