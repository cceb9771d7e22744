/// A video container Visage reads, named from the file's first bytes by `MediaSniffer`.
public enum VideoContainer: String, Sendable, CaseIterable {
    case mp4, mov, matroska, webm, avi, flv, mpegts

    /// The one ffmpeg demuxer allowed to open this container (`-format_whitelist`). Naming it keeps
    /// ffmpeg from probing the bytes into another demuxer: an HLS playlist or a concat list saved
    /// as `.mp4` would otherwise make ffmpeg open the files it names.
    var demuxer: String {
        switch self {
        case .mp4, .mov: return "mov"
        case .matroska, .webm: return "matroska"
        case .avi: return "avi"
        case .flv: return "flv"
        case .mpegts: return "mpegts"
        }
    }
}
