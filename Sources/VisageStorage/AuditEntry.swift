import Foundation

/// One line of the audit log: what was done, when, and its details as JSON.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var action: String
    /// A JSON document, keys sorted; nil when the action has no details.
    public var detail: String?

    public init(id: Int64, at: Date, action: String, detail: String?) {
        self.id = id
        self.at = at
        self.action = action
        self.detail = detail
    }

    /// How every backend writes `detail`: sorted keys, so entries are stable and diffable.
    package static func encodeDetail(_ detail: (some Encodable)?) throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try detail.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }
}
