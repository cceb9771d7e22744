/// HEIF (HEIC, AVIF, ...) by its first bytes: an ISO base media file whose `ftyp` box names a
/// HEIF brand. libvips' heifload reads all of these and reports them as "heif".
public enum HEIFSignature {
    public static let brands: Set<String> = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"]

    /// Whether `bytes` (at least the first 12) start a HEIF file.
    public static func matches<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        let head = Array(bytes.prefix(12))
        guard head.count == 12, head[4..<8].elementsEqual("ftyp".utf8) else { return false }
        return brands.contains(String(decoding: head[8..<12], as: UTF8.self))
    }
}
