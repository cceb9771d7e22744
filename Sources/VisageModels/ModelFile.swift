import Foundation

/// One model file as the manifest describes it: what it must hash to and where it can come from.
public struct ModelFile: Sendable, Equatable {
    /// File name; installed files live flat in the model directory under this name.
    public let name: String
    /// Published SHA-256 (lowercase hex), or nil where none is published: then the first fetch
    /// records what it saw in the model directory's lock file and `verify` checks against that.
    public let sha256: String?
    /// Size in bytes, where known.
    public let size: Int64?
    /// Where the file sits inside a mirror folder (VISAGE_MODEL_MIRROR), relative to its root.
    public let mirrorPath: String
    /// Direct download URL, if the file is published on its own.
    public let url: URL?
    /// Release archives that contain the file, in order of preference.
    public let archives: [ArchiveMember]
    /// Upstream home page, for people.
    public let home: String?
    /// Provenance remark for people (e.g. why there is no download URL).
    public let note: String?
    /// The weights' licence, in words, where the manifest records it per file (the pack's
    /// `license` covers the face models; files shared by every pack, such as the person detector,
    /// carry their own).
    public let license: String?

    public init(
        name: String, sha256: String?, size: Int64?, mirrorPath: String, url: URL?,
        archives: [ArchiveMember] = [], home: String? = nil, note: String? = nil, license: String? = nil
    ) {
        self.name = name
        self.sha256 = sha256?.lowercased()
        self.size = size
        self.mirrorPath = mirrorPath
        self.url = url
        self.archives = archives
        self.home = home
        self.note = note
        self.license = license
    }

    /// True when there is some way to download the file (a URL or an archive).
    public var isDownloadable: Bool { url != nil || !archives.isEmpty }
}

/// "File `member` inside the archive named `archive`" (a key of the manifest's `archives`).
public struct ArchiveMember: Sendable, Equatable, Codable {
    public let archive: String
    public let member: String

    public init(archive: String, member: String) {
        self.archive = archive
        self.member = member
    }
}

/// A zip that upstream publishes (e.g. an InsightFace release asset). Its `sha256` and `size` are
/// informational: fetch warns if the download differs, but what counts is each member's hash.
public struct ModelArchive: Sendable, Equatable {
    public let name: String
    public let url: URL
    public let sha256: String?
    public let size: Int64?

    public init(name: String, url: URL, sha256: String? = nil, size: Int64? = nil) {
        self.name = name
        self.url = url
        self.sha256 = sha256?.lowercased()
        self.size = size
    }
}
