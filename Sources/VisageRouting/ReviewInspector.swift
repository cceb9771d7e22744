import Foundation
import VisageCore
import VisageImaging
import VisageReferences
import VisageVideo

/// What the review queue shows of one file: its kind and faces, each with the nearest reference
/// person, or why it could not be analysed.
public struct ReviewAnalysis: Sendable {
    public var mediaType: MediaKind
    /// The faces (a video's: its tracks), in the order `check` gives.
    public var faces: [CheckedFace]
    public var error: VisageError?
}

/// Analyses and thumbnails of review files, each cached in memory by path and keyed on the
/// file's size and modification time, so a listing analyses only the files it has not seen (or
/// that changed) and a page of thousands costs one `stat` each. Analyses also key on the
/// reference library's generation and the tolerance: a new reference changes the best guesses.
///
/// Both caches are bounded (least recently used out): `analysisCapacity` analyses (a few faces
/// each, no embeddings: about 1 KB), `thumbnailCapacity` JPEGs of at most 320 pixels (about
/// 15 KB each, so some 8 MB at the default).
public final class ReviewInspector: Sendable {
    public static let thumbnailSide = 320

    public let checker: MediaChecker
    public let sampler: VideoFrameSampler
    public let decoder: ImageDecoder
    public let maxSide: Int
    private let analyses: BoundedCache<String, AnalysisVersion, ReviewAnalysis>
    private let thumbnails: BoundedCache<String, ReviewItemVersion, Data>

    struct AnalysisVersion: Equatable, Sendable {
        var file: ReviewItemVersion
        var references: Int
        var tolerance: Double
    }

    public init(
        checker: MediaChecker, sampler: VideoFrameSampler, decoder: ImageDecoder, maxSide: Int, analysisCapacity: Int = 2_000,
        thumbnailCapacity: Int = 500
    ) {
        self.checker = checker
        self.sampler = sampler
        self.decoder = decoder
        self.maxSide = maxSide
        analyses = BoundedCache(capacity: analysisCapacity)
        thumbnails = BoundedCache(capacity: thumbnailCapacity)
    }

    /// The faces of `item`, matched against every reference person within `tolerance`. A file
    /// that can't be analysed (not media, corrupt, a video ffmpeg can't read) has no faces and
    /// the error; that answer is cached too, until the file changes.
    public func analysis(of item: ReviewItem, tolerance: Double) -> ReviewAnalysis {
        let version = AnalysisVersion(file: item.version, references: checker.library.generation, tolerance: tolerance)
        if let cached = analyses.value(item.path, version: version) { return cached }
        let analysis = analyse(item.path, tolerance: tolerance)
        analyses.store(analysis, item.path, version: version)
        return analysis
    }

    private func analyse(_ path: String, tolerance: Double) -> ReviewAnalysis {
        let kind = MediaKind.of(path: path)
        do {
            switch kind {
            case .image:
                let image = try decoder.decode(.file(path), maxSide: maxSide)
                return ReviewAnalysis(mediaType: kind, faces: try checker.check(image: image, tolerance: tolerance, personName: nil).faces)
            case .video:
                let video = try sampler.sample(URL(fileURLWithPath: path))
                return ReviewAnalysis(mediaType: kind, faces: try checker.check(video: video, tolerance: tolerance, personName: nil).faces)
            case .other:
                throw Self.notMedia(path)
            }
        } catch let error as VisageError {
            return ReviewAnalysis(mediaType: kind, faces: [], error: error)
        } catch {
            return ReviewAnalysis(mediaType: kind, faces: [], error: VisageError(.analysisFailed, "\(error)"))
        }
    }

    /// A JPEG of `item`, upright, its longest side at most `thumbnailSide`: the image, or a
    /// video's first sampled frame. 400 `image_format_unsupported` for a file that is neither.
    public func thumbnail(of item: ReviewItem) throws -> Data {
        if let cached = thumbnails.value(item.path, version: item.version) { return cached }
        let image: RGBImage
        switch MediaKind.of(path: item.path) {
        case .image:
            image = try decoder.decode(.file(item.path), maxSide: Self.thumbnailSide).image
        case .video:
            // A few frames, small: the first is the thumbnail. (One frame only made ffmpeg write
            // none for some clips.)
            var firstFrame = sampler
            firstFrame.options.maxFrames = 4
            firstFrame.options.maxSide = Self.thumbnailSide
            guard let frame = try firstFrame.sample(URL(fileURLWithPath: item.path)).frames.first else {
                throw VisageError(.videoUnreadable, "no frame could be read from \(item.path)")
            }
            image = frame.image.image
        case .other:
            throw Self.notMedia(item.path)
        }
        let jpeg = try Self.fitted(image, side: Self.thumbnailSide).encoded(.jpeg(quality: 80))
        thumbnails.store(jpeg, item.path, version: item.version)
        return jpeg
    }

    static func fitted(_ image: RGBImage, side: Int) throws -> RGBImage {
        let longest = max(image.width, image.height)
        guard longest > side else { return image }
        let scale = Double(side) / Double(longest)
        return try image.resized(
            width: max(1, Int((Double(image.width) * scale).rounded())), height: max(1, Int((Double(image.height) * scale).rounded())))
    }

    static func notMedia(_ path: String) -> VisageError {
        VisageError(.imageFormatUnsupported, "\((path as NSString).lastPathComponent) is neither an image nor a video Visage reads")
    }
}
