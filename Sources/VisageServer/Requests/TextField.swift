import Foundation
import VisageCore

/// Limits on the names and ids a client sends (person names, image ids, cluster ids, file
/// names): bounded in length, and free of control characters (NUL, newlines, escapes), which
/// would end up in the store, the logs and other clients' JSON. Each refusal has its own code,
/// `text_too_long` or `invalid_characters`, naming the field.
enum TextField {
    /// A person's name.
    static let maxNameLength = 200
    /// An image id: often the image's path in the caller's library.
    static let maxImageIDLength = 1024
    /// A cluster id (`cluster_` and 12 hex digits today; the bound leaves room).
    static let maxClusterIDLength = 100
    /// The `file` a face-database image is stored with.
    static let maxFileLength = 4096

    /// `value` unchanged when it is at most `maxLength` Unicode scalars and has no control
    /// character (general category Cc). Scalars, not Characters: a string of combining marks is
    /// one Character however long it is.
    @discardableResult
    static func checked(_ value: String, field: String, maxLength: Int) throws -> String {
        let scalars = value.unicodeScalars
        guard scalars.count <= maxLength else {
            throw VisageError(.textTooLong, "\(field) is \(scalars.count) characters; at most \(maxLength)")
        }
        if let bad = scalars.first(where: { $0.properties.generalCategory == .control }) {
            throw VisageError(.invalidCharacters, "\(field) contains the control character " + String(format: "U+%04X", bad.value))
        }
        return value
    }

    @discardableResult
    static func name(_ value: String, field: String = "name") throws -> String {
        try checked(value, field: field, maxLength: maxNameLength)
    }

    @discardableResult
    static func imageID(_ value: String, field: String = "image_id") throws -> String {
        try checked(value, field: field, maxLength: maxImageIDLength)
    }

    @discardableResult
    static func clusterID(_ value: String, field: String = "cluster_id") throws -> String {
        try checked(value, field: field, maxLength: maxClusterIDLength)
    }
}
