import Foundation

/// An error a caller can act on: a stable machine-readable code (listed in `ErrorCode`, documented
/// in the README) and a human sentence saying what went wrong and, where possible, what to do
/// about it.
public struct VisageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let errorCode: ErrorCode
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        errorCode = code
        self.message = message
    }

    /// The code as clients see it (`image_not_found`).
    public var code: String { errorCode.rawValue }
    /// The HTTP status the server answers this error with.
    public var status: Int { errorCode.status }

    public var description: String { "\(code): \(message)" }
}
