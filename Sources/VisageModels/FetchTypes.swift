import Foundation

/// One file of a pack after a fetch: where it is, what it hashes to, and where it came from.
public struct FetchedFile: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Already installed with the right hash; nothing was written.
        case alreadyPresent
        /// Copied from a mirror folder.
        case mirror(URL)
        /// Downloaded on its own.
        case download(URL)
        /// Extracted from a downloaded archive.
        case archive(URL, member: String)
    }

    public let file: String
    public let path: URL
    public let sha256: String
    public let size: Int64
    public let source: Source

    /// True when this fetch wrote the file.
    public var wasInstalled: Bool { source != .alreadyPresent }
}

/// What a fetch is doing, for progress output. Delivered on arbitrary threads.
public enum FetchEvent: Sendable, Equatable {
    case alreadyPresent(file: String)
    case copying(file: String, from: URL)
    /// A download starts; `name` is a model file or an archive.
    case downloading(name: String, url: URL, expectedBytes: Int64?)
    case progress(name: String, receivedBytes: Int64, expectedBytes: Int64?)
    case extracting(file: String, archive: String)
    case installed(file: String, sha256: String)
    case warning(String)
}

/// The result of checking one installed file against its expected hash.
public struct FileCheck: Sendable, Equatable {
    public let file: String
    /// Expected SHA-256: the manifest's, or else the one recorded in `.lock.json`; nil if neither.
    public let expected: String?
    /// SHA-256 of the installed file; nil if it is missing or unreadable.
    public let actual: String?
    public let ok: Bool
    /// Why the check failed, or where `expected` came from when it is not the manifest.
    public let note: String?

    public init(file: String, expected: String?, actual: String?, ok: Bool, note: String? = nil) {
        self.file = file
        self.expected = expected
        self.actual = actual
        self.ok = ok
        self.note = note
    }
}
