import Foundation

/// Which files of the inbox are ready to route: regular files (not hidden, not a download or a
/// copy still being written: `.part`, `.tmp`, `.crdownload`, `.visage-partial`) whose size and
/// modification time were the same at two looks in a row, each handed out once per version.
public struct InboxWatcher: Sendable {
    public let folder: String
    private var lastSeen: [String: Version] = [:]
    private var handedOut: [String: Version] = [:]

    private struct Version: Equatable, Sendable {
        var size: Int
        var modified: Date
    }

    static let unfinishedExtensions: Set<String> = ["part", "tmp", "crdownload", "download", "visage-partial"]

    public init(folder: String) {
        self.folder = folder
    }

    /// The files that have settled since the last look, in name order.
    public mutating func settledFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var seen: [String: Version] = [:]
        var settled: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            guard !Self.unfinishedExtensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            let version = Version(size: attributes[.size] as? Int ?? 0, modified: attributes[.modificationDate] as? Date ?? .distantPast)
            seen[path] = version
            if lastSeen[path] == version, handedOut[path] != version, version.size > 0 {
                settled.append(path)
                handedOut[path] = version
            }
        }
        lastSeen = seen
        handedOut = handedOut.filter { seen[$0.key] != nil }
        return settled
    }

    /// Hands `path` out again at the next look where it is still there and unchanged (another
    /// process had it; its move may be undone).
    public mutating func lookAgain(at path: String) {
        handedOut[path] = nil
    }
}
