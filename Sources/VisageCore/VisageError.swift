import Foundation

/// An error a caller can act on: a stable machine-readable `code` (documented in the README) and a
/// human sentence saying what went wrong and, where possible, what to do about it.
public struct VisageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
