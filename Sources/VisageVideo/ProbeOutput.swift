import Foundation
import VisageCore

/// The part of `ffprobe -print_format json -show_format -show_streams` that `VideoInfo` needs.
/// ffprobe prints numbers of the format section as strings, and omits what a file lacks.
struct ProbeOutput: Decodable {
    struct Format: Decodable {
        let duration: String?
    }
    struct Stream: Decodable {
        struct SideData: Decodable { let rotation: Double? }
        struct Disposition: Decodable { let attached_pic: Int? }
        let index: Int
        let codec_type: String?
        let codec_name: String?
        let width: Int?
        let height: Int?
        let sample_aspect_ratio: String?
        let avg_frame_rate: String?
        let r_frame_rate: String?
        let duration: String?
        let tags: [String: String]?
        let side_data_list: [SideData]?
        let disposition: Disposition?
    }
    let format: Format?
    let streams: [Stream]?

    /// The first video stream that is not cover art (an attached picture is a one-frame "video"
    /// stream in MP4 and Matroska), described; `name` is for messages.
    func info(container: VideoContainer, name: String) throws -> VideoInfo {
        let video = (streams ?? []).first { $0.codec_type == "video" && $0.disposition?.attached_pic != 1 }
        guard let video, let codedWidth = video.width, let codedHeight = video.height, codedWidth > 0, codedHeight > 0 else {
            throw VisageError(.videoUnreadable, "\(name) has no video stream ffprobe can read")
        }
        let rotation = Self.rotation(video)
        let aspect = Self.ratio(video.sample_aspect_ratio, separator: ":").flatMap { (0.01...100).contains($0) ? $0 : nil } ?? 1
        let shown = VideoInfo.displayed(width: codedWidth, height: codedHeight, rotation: rotation, sampleAspectRatio: aspect)
        let duration = [format?.duration, video.duration].lazy.compactMap { $0.flatMap(Double.init) }
            .first { $0.isFinite && $0 > 0 }
        let frameRate = [video.avg_frame_rate, video.r_frame_rate].lazy.compactMap { Self.ratio($0, separator: "/") }
            .first { $0.isFinite && $0 > 0 }
        return VideoInfo(
            container: container, duration: duration, codec: video.codec_name ?? "unknown", codedWidth: codedWidth,
            codedHeight: codedHeight, rotation: rotation, width: shown.width, height: shown.height, frameRate: frameRate,
            streamIndex: video.index, sampleAspectRatio: aspect)
    }

    /// The display matrix's rotation (ffprobe 5 and later; counter-clockwise, so -90 is a
    /// clockwise quarter turn), else the older `rotate` tag (clockwise), as clockwise degrees
    /// rounded to a quarter turn.
    static func rotation(_ stream: Stream) -> Int {
        var degrees = 0.0
        if let matrix = stream.side_data_list?.lazy.compactMap(\.rotation).first {
            degrees = -matrix
        } else if let tag = stream.tags?["rotate"].flatMap(Double.init) {
            degrees = tag
        }
        guard degrees.isFinite, abs(degrees) < 1e6 else { return 0 }
        let quarter = Int((degrees / 90).rounded())
        return ((quarter % 4 + 4) % 4) * 90
    }

    /// `30000/1001` or `4:3` as a number; nil for `0/0`, `0:1` and anything unparsable.
    static func ratio(_ text: String?, separator: Character) -> Double? {
        guard let parts = text?.split(separator: separator), parts.count == 2,
            let top = Double(parts[0]), let bottom = Double(parts[1]), top > 0, bottom > 0
        else { return nil }
        return top / bottom
    }
}
