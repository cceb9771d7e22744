import Foundation

/// Settings read from environment variables, checked when they are read: a variable that is set
/// to something that is not a value in its range is an `invalid_configuration` error naming the
/// variable, at start-up, rather than a silent default or an overflow much later (a timeout of
/// 1e20 seconds once crashed the first request that converted it to nanoseconds).
///
/// An unset or empty variable is `nil`: the caller's default applies.
public struct EnvironmentSettings: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The raw value, trimmed; nil when unset or empty.
    public func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    public func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Self.invalid(name, text, "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A finite decimal number (seconds, sizes); NaN, infinities and out-of-range values are refused.
    public func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw Self.invalid(name, text, "a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))")
        }
        return value
    }

    /// `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`, in any case.
    public func flag(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw Self.invalid(name, text, "one of 1, true, yes, on, 0, false, no, off")
        }
    }

    static func invalid(_ name: String, _ text: String, _ expected: String) -> VisageError {
        VisageError(.invalidConfiguration, "\(name) must be \(expected); got \"\(text.prefix(40))\"")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
