/// What ffprobe says about a clip and its first video stream, before any frame is decoded.
public struct VideoInfo: Sendable, Equatable {
    /// The container the first bytes name (`MediaSniffer`).
    public let container: VideoContainer
    /// Seconds, from the container (else the stream); nil when neither says.
    public let duration: Double?
    /// ffprobe's codec name: h264, hevc, vp9, mjpeg, ...
    public let codec: String
    /// The size frames are stored at, before rotation.
    public let codedWidth: Int
    public let codedHeight: Int
    /// Clockwise quarter turns a player applies, in degrees: 0, 90, 180 or 270 (phones store
    /// portrait clips as landscape frames with a display-matrix rotation).
    public let rotation: Int
    /// The size a player shows: rotated, and stretched by a non-square sample aspect ratio.
    public let width: Int
    public let height: Int
    /// Frames per second (the average rate, else the base rate); nil when the stream has none.
    public let frameRate: Double?
    /// ffprobe's index of the stream sampled (`-map 0:INDEX`), so ffmpeg decodes the stream
    /// described here rather than picking its own "best" one.
    let streamIndex: Int
    /// Pixel width over height, 1 for square pixels.
    let sampleAspectRatio: Double

    /// Width and height swapped when the rotation is a quarter turn.
    static func displayed(width: Int, height: Int, rotation: Int, sampleAspectRatio: Double) -> (width: Int, height: Int) {
        let stretched = max(1, Int((Double(width) * sampleAspectRatio).rounded()))
        return rotation % 180 == 90 ? (height, stretched) : (stretched, height)
    }
}
