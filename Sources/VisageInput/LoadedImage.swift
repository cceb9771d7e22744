import Foundation
import VisageImaging
import VisageVideo

/// What `ImageFetcher.load` hands to the decoder: where the bytes are, and what they are.
public struct LoadedImage: Sendable {
    public enum Content: Sendable {
        /// The resolved real path (symlinks resolved), so libvips can shrink-on-load from the file
        /// and the file checked is the file read.
        case file(String)
        case data(Data)
    }

    public let content: Content
    /// Format found from the first bytes (`jpeg`, `png`, `gif`, `webp`, `heif`, `tiff`, `jxl`),
    /// named like libvips' loaders so it can be compared with `ImageHeader.format`.
    public let format: String
    /// The input's name for messages (see `ImageInput.displayName`).
    public let displayName: String

    /// The same bytes as the decoder wants them.
    public var source: ImageSource {
        switch content {
        case .file(let path): return .file(path)
        case .data(let data): return .bytes(data)
        }
    }

    /// `format` of a video container that `ImageFetcher.load(_:acceptVideo:)` let through:
    /// `video/mp4`, `video/matroska`, ...
    public static let videoFormatPrefix = "video/"

    /// The container, when this is a video.
    public var videoContainer: VideoContainer? {
        guard format.hasPrefix(Self.videoFormatPrefix) else { return nil }
        return VideoContainer(rawValue: String(format.dropFirst(Self.videoFormatPrefix.count)))
    }

    /// Size in bytes (of the file, or of the data in memory).
    public var byteCount: Int {
        switch content {
        case .file(let path): return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        case .data(let data): return data.count
        }
    }
}
