import Foundation
import VisageInput
import VisageVideo

/// What a file in the review folder is, by its first bytes (its extension is whoever saved it).
public enum MediaKind: String, Sendable {
    case image, video, other

    public static func of(path: String) -> MediaKind {
        let head = MediaSniffer.head(ofFileAt: path)
        if MediaSniffer.videoContainer(of: head) != nil { return .video }
        return FormatSniffer.format(of: head) != nil ? .image : .other
    }
}

/// One file of the review queue, as its directory entry says (nothing read yet).
public struct ReviewItem: Sendable, Equatable {
    /// The real path, inside the review folder.
    public var path: String
    public var size: Int64
    /// Modification time: when the file was put in review (a move keeps it), or last written.
    public var modified: Date

    public var name: String { (path as NSString).lastPathComponent }
    /// What the caches key on: a file rewritten in place is another version.
    public var version: ReviewItemVersion { ReviewItemVersion(size: size, modified: modified) }

    /// A strong validator for the file's current version, for `ETag`: FNV-1a over the path, size
    /// and modification time (to the nanosecond), so a rewritten or replaced file gets a new one.
    public var entityTag: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = "\(path)\u{0}\(size)\u{0}\(modified.timeIntervalSince1970.bitPattern)"
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "\"" + String(hash, radix: 16) + "\""
    }

    /// The entry at `path` when it is a regular file (a symlink is not followed).
    static func at(_ path: String) -> ReviewItem? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        return ReviewItem(
            path: path, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }
}

public struct ReviewItemVersion: Sendable, Equatable, Hashable {
    public var size: Int64
    public var modified: Date
}

/// A page of the queue, newest first.
public struct ReviewPage: Sendable {
    public var items: [ReviewItem]
    /// Files in the whole queue.
    public var total: Int
}
