import Foundation
import VisageCore
import ZIPFoundation

/// Reads gzip files (RFC 1952), such as CLIP's `bpe_simple_vocab_16e6.txt.gz`: the header, the
/// raw DEFLATE stream (inflated by ZIPFoundation's zlib) and the CRC-32 and size trailer.
public enum GzipData {
    /// True when `data` starts with gzip's magic bytes.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed contents of one gzip member, or `model_load_failed` naming `source`.
    public static func decompress(_ data: Data, source: String = "gzip data") throws -> Data {
        let bytes = [UInt8](data)
        func corrupt(_ why: String) -> VisageError {
            VisageError(.modelLoadFailed, "\(source) is not a readable gzip file: \(why)")
        }
        guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b else { throw corrupt("no gzip header") }
        guard bytes[2] == 8 else { throw corrupt("compression method \(bytes[2]) is not DEFLATE") }
        let flags = bytes[3]
        var offset = 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard offset + 2 <= bytes.count else { throw corrupt("truncated header") }
            offset += 2 + Int(bytes[offset]) + Int(bytes[offset + 1]) << 8
        }
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while offset < bytes.count && bytes[offset] != 0 { offset += 1 }
            offset += 1
        }
        if flags & 0x02 != 0 { offset += 2 }  // FHCRC
        guard offset + 8 <= bytes.count else { throw corrupt("truncated header") }
        let trailer = bytes.count - 8
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        // One chunk holding the whole stream (ZIPFoundation's zlib loop reads `bufferSize` bytes
        // from each chunk, so the chunk is exactly that long); a stream that does not end in it
        // is corrupt.
        let stream = Data(bytes[offset..<bytes.count])
        var output = Data()
        let checksum: UInt32
        do {
            checksum = try Data.decompress(
                size: Int64(stream.count), bufferSize: stream.count, skipCRC32: false,
                provider: { position, _ in
                    guard position == 0 else { throw corrupt("the DEFLATE stream does not end") }
                    return stream
                },
                consumer: { output.append($0) })
        } catch let error as VisageError {
            throw error
        } catch {
            throw corrupt("\(error)")
        }
        guard checksum == word(trailer) else { throw corrupt("CRC-32 mismatch") }
        guard UInt32(truncatingIfNeeded: output.count) == word(trailer + 4) else { throw corrupt("size mismatch") }
        return output
    }
}
