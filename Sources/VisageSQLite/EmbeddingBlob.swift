import Foundation

/// Embeddings and centroids are stored as BLOBs of float32 in little-endian byte order: 2 KB for
/// a 512-d vector, read back without parsing, and the same bytes on every machine.
enum EmbeddingBlob {
    static func encode(_ values: [Float]) -> Data {
        var data = Data(count: values.count * MemoryLayout<UInt32>.size)
        data.withUnsafeMutableBytes { bytes in
            for (index, value) in values.enumerated() {
                bytes.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        return data
    }

    /// Trailing bytes that don't make a whole float are ignored; `encode` never writes any.
    static func decode(_ data: Data) -> [Float] {
        let count = data.count / MemoryLayout<UInt32>.size
        return data.withUnsafeBytes { bytes in
            (0..<count).map { index in
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }

    /// Dimensions of a stored embedding, from its byte length.
    static func dimensions(ofByteCount byteCount: Int) -> Int {
        byteCount / MemoryLayout<UInt32>.size
    }
}
