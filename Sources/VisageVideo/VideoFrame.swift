import VisageImaging

/// One sampled frame: upright, at most `SamplingOptions.maxSide` on its longest side.
public struct VideoFrame: Sendable {
    /// Presentation time in seconds from the start of the clip, as a player shows it.
    public let time: Double
    /// The frame's pixels. `image.header` describes the sampled frame (a PNG ffmpeg wrote), not
    /// the video: `VideoInfo` has the clip's own size.
    public let image: DecodedImage
}
