import Crypto
import Foundation

/// SHA-256 and byte count of a file, computed in fixed-size chunks (never the whole file in memory).
public struct FileDigest: Sendable, Equatable {
    public let sha256: String
    public let size: Int64

    static let chunkSize = 1 << 20

    /// Hashes the file at `url`; throws if it cannot be read.
    public static func of(_ url: URL) throws -> FileDigest {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = StreamingHasher()
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finish()
    }
}

/// Incremental SHA-256 plus a byte count.
struct StreamingHasher {
    private var hash = SHA256()
    private(set) var size: Int64 = 0

    mutating func update(_ data: Data) {
        hash.update(data: data)
        size += Int64(data.count)
    }

    func finish() -> FileDigest {
        let hex = hash.finalize().map { String(format: "%02x", $0) }.joined()
        return FileDigest(sha256: hex, size: size)
    }
}

/// Writes chunks to a new file while hashing them.
final class HashingFileWriter {
    private let handle: FileHandle
    private var hasher = StreamingHasher()
    let url: URL

    init(creating url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        self.url = url
        self.handle = try FileHandle(forWritingTo: url)
    }

    var bytesWritten: Int64 { hasher.size }

    func write(_ data: Data) throws {
        try handle.write(contentsOf: data)
        hasher.update(data)
    }

    /// Flushes to disk, closes, and returns the digest of everything written.
    func finish() throws -> FileDigest {
        try handle.synchronize()
        try handle.close()
        return hasher.finish()
    }

    func abandon() {
        try? handle.close()
    }
}

/// Copies `source` to the new file `destination` in chunks, returning the copy's digest.
func copyHashing(
    from source: URL, to destination: URL,
    progress: ((Int64) -> Void)? = nil
) throws -> FileDigest {
    let input = try FileHandle(forReadingFrom: source)
    defer { try? input.close() }
    let writer = try HashingFileWriter(creating: destination)
    do {
        while let chunk = try input.read(upToCount: FileDigest.chunkSize), !chunk.isEmpty {
            try writer.write(chunk)
            progress?(writer.bytesWritten)
        }
        return try writer.finish()
    } catch {
        writer.abandon()
        throw error
    }
}
