import VisageImaging

/// Tells a video container from an image by its first bytes. Extensions and content types are the
/// sender's choice; the bytes are what ffmpeg and libvips will parse. HEIC and AVIF are ISO base
/// media files like MP4, so the `ftyp` brands decide: HEIF brands stay images.
public enum MediaSniffer {
    /// Bytes needed to recognise every container below (an MPEG-TS file is known by its third
    /// 188-byte packet).
    public static let prefixLength = 512

    /// ISO base media brands of video files: MP4, QuickTime, M4V, 3GPP, Flash video in MP4 (f4v),
    /// Sony's XAVC and the DASH and CMAF segment brands.
    static let videoBrands: Set<String> = [
        "isom", "mp4v", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42", "mp71", "avc1", "M4V ",
        "M4VH", "M4VP", "3gp4", "3gp5", "3gp6", "3gp7", "3gp8", "3gp9", "3g2a", "3g2b", "3g2c", "3gg6", "f4v ", "XAVC",
        "dash", "cmfc", "MSNV", "NDAS", "mmp4", "qt  ",
    ]
    /// Brands of still images in ISO base media files: HEIF (HEIC, AVIF), Canon's CR3 raw and
    /// JPEG 2000. One of them anywhere in the `ftyp` box makes the file an image, whatever else it
    /// lists (a CR3 also says `isom`).
    static let imageBrands: Set<String> = HEIFSignature.brands.union(["crx ", "jp2 ", "jpx "])
    /// Top-level atoms a classic QuickTime file may start with (those files predate `ftyp`).
    static let quickTimeAtoms: Set<String> = ["moov", "mdat", "free", "skip", "wide", "pnot"]

    /// The container, or nil for an image or anything else.
    public static func videoContainer<Bytes: Collection>(of bytes: Bytes) -> VideoContainer? where Bytes.Element == UInt8 {
        let b = Array(bytes.prefix(prefixLength))
        func ascii(_ text: String, at offset: Int) -> Bool {
            let magic = Array(text.utf8)
            return b.count >= offset + magic.count && Array(b[offset..<offset + magic.count]) == magic
        }
        func text(_ range: Range<Int>) -> String { String(decoding: b[range], as: UTF8.self) }

        if b.count >= 12, ascii("ftyp", at: 4) { return isoContainer(b) }
        if b.count >= 8, quickTimeAtoms.contains(text(4..<8)) { return .mov }
        if b.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) {
            // The EBML header names its DocType within its first few dozen bytes.
            let docType = Array("webm".utf8)
            let header = Array(b.prefix(64))
            let isWebM = header.count >= 4 && (0...(header.count - 4)).contains { Array(header[$0..<$0 + 4]) == docType }
            return isWebM ? .webm : .matroska
        }
        if ascii("RIFF", at: 0), ascii("AVI ", at: 8) { return .avi }
        if ascii("FLV", at: 0), b.count > 3, b[3] == 1 { return .flv }
        // MPEG transport stream: a sync byte every 188 bytes (or 192 in Blu-ray's M2TS, with a
        // 4-byte timecode before each packet).
        for (start, stride) in [(0, 188), (4, 192)] where b.count > start + 2 * stride {
            if (0..<3).allSatisfy({ b[start + $0 * stride] == 0x47 }) { return .mpegts }
        }
        return nil
    }

    /// An `ftyp` file: an image brand anywhere makes it an image (a HEIC says `heic` or `mif1`, an
    /// AVIF `avif`); otherwise a video brand, major or compatible, makes it a video. A file with no
    /// brand known here is not taken for a video.
    private static func isoContainer(_ b: [UInt8]) -> VideoContainer? {
        let boxSize = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        let major = String(decoding: b[8..<12], as: UTF8.self)
        // Compatible brands follow the 4-byte minor version, to the end of the box.
        let compatible = stride(from: 16, to: min(b.count, boxSize) - 3, by: 4).map {
            String(decoding: b[$0..<$0 + 4], as: UTF8.self)
        }
        let brands = [major] + compatible
        if brands.contains(where: imageBrands.contains) { return nil }
        guard brands.contains(where: videoBrands.contains) else { return nil }
        return major == "qt  " ? .mov : .mp4
    }
}
