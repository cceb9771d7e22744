import Foundation

/// Where a face's name came from. A user's decision outranks a name read from the file's XMP.
public enum LabelSource: String, Sendable, Hashable, Codable {
    case xmp
    case user
}

/// A name attached to one face, with where it came from.
public struct FaceLabel: Sendable, Hashable {
    public var name: String
    public var source: LabelSource

    public init(name: String, source: LabelSource) {
        self.name = name
        self.source = source
    }

    /// The name trimmed; nil when nothing is left, since an empty name (a blank XMP region, say)
    /// says nothing about who the face is.
    package var cleaned: FaceLabel? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : FaceLabel(name: trimmed, source: source)
    }

    /// The label a re-analysed face keeps: a user's label survives, otherwise the new analysis's
    /// label (fresh XMP) wins, otherwise the old one is carried over.
    package static func carriedOver(old: FaceLabel?, new: FaceLabel?) -> FaceLabel? {
        if let old, old.source == .user { return old }
        return new ?? old
    }
}
