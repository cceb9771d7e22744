/// A clip's description and its sampled frames, in time order.
public struct SampledVideo: Sendable {
    public let info: VideoInfo
    public let frames: [VideoFrame]
}
