import Foundation
import Testing
import VisageVideo

/// `MediaSniffer` on the real clips and images in testdata: every clip is named by its bytes, and
/// no image (HEIC and AVIF are `ftyp` files like MP4) is taken for a video.
@Suite struct MediaSnifferTests {
    static let video = CLI.testdata.appendingPathComponent("video")
    static let formats = CLI.testdata.appendingPathComponent("formats")

    static func head(_ url: URL) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try handle.read(upToCount: MediaSniffer.prefixLength) ?? Data()
    }

    @Test func clipsAreNamedByTheirBytes() throws {
        let expected: [String: VideoContainer] = [
            "short_hamilton_clip.mp4": .mp4, "facenet-pytorch_video.mp4": .mp4,
            "derived/facenet-pytorch_video_720p_vp9.webm": .webm, "pigallery2/video.mp4": .mp4,
            "pigallery2/video_rotate.mp4": .mp4, "pigallery2/video_mkv.mkv": .matroska, "pigallery2/IMG_7943_HEVC.MOV": .mov,
            "photoprism/quicktime-hvc1.mov": .mov, "photoprism/quicktime-jpeg.mov": .mov, "photoprism/mp42-hvc1.mp4": .mp4,
            "photoprism/isom-avc1.mp4": .mp4, "photoprism/mp4v-avc1.mp4": .mp4, "photoprism/earth.mov": .mov,
            "photoprism/earth.avi": .avi, "photoprism/blue-go-video.mp4": .mp4,
        ]
        for (path, container) in expected {
            #expect(MediaSniffer.videoContainer(of: try Self.head(Self.video.appendingPathComponent(path))) == container, "\(path)")
        }
    }

    @Test func imagesAreNotVideos() throws {
        var checked = 0
        for folder in ["heic", "avif", "motionphoto", "jpeg_special", "png", "webp", "gif", "tiff", "jxl", "mislabeled"] {
            let directory = Self.formats.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let bytes = try Self.head(directory.appendingPathComponent(name))
                #expect(MediaSniffer.videoContainer(of: bytes) == nil, "\(folder)/\(name)")
                checked += 1
            }
        }
        #expect(checked > 30)
    }

    @Test func containersWithoutAFileHere() {
        func bytes(_ text: String, _ tail: [UInt8] = []) -> [UInt8] { Array(text.utf8) + tail }
        #expect(MediaSniffer.videoContainer(of: bytes("FLV", [1, 5, 0, 0, 0, 9])) == .flv)
        var transport = [UInt8](repeating: 0xFF, count: 600)
        for packet in 0..<3 { transport[packet * 188] = 0x47 }
        #expect(MediaSniffer.videoContainer(of: transport) == .mpegts)
        // An ftyp box whose brands say HEIF in the compatible list only, Canon's CR3 raw, a WebP
        // (RIFF like AVI), an HLS playlist and nothing at all.
        #expect(MediaSniffer.videoContainer(of: [0, 0, 0, 24] + bytes("ftypXXXX\0\0\0\0mif1isom")) == nil)
        #expect(MediaSniffer.videoContainer(of: [0, 0, 0, 24] + bytes("ftypcrx \0\0\0\u{1}crx isom")) == nil)
        #expect(MediaSniffer.videoContainer(of: [0, 0, 0, 20] + bytes("ftypXXXX\0\0\0\0mp42")) == .mp4)
        #expect(MediaSniffer.videoContainer(of: bytes("RIFF\0\0\0\0WEBPVP8 ")) == nil)
        #expect(MediaSniffer.videoContainer(of: bytes("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n")) == nil)
        #expect(MediaSniffer.videoContainer(of: [UInt8]()) == nil)
    }
}
