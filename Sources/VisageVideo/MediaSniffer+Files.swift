import Foundation

extension MediaSniffer {
    /// The first `prefixLength` bytes of a file (fewer for a short file; none if it can't be read):
    /// what the sniffers look at.
    public static func head(ofFileAt path: String) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: prefixLength)) ?? Data()
    }

    /// The container of the video file at `path`; nil for anything else.
    public static func videoContainer(ofFileAt path: String) -> VideoContainer? {
        videoContainer(of: head(ofFileAt: path))
    }
}
