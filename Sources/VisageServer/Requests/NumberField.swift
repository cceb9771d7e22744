import Foundation
import VisageCore

/// The one way a number a client sends (query string, JSON body, form field, header) becomes a
/// value: finite, in range, and only then converted. Swift traps on `Int(Double)` when the double
/// is NaN, infinite or beyond `Int`'s range, so no request value is converted before these checks
/// (`GET /faces/{id}/crop?size=nan` used to end the process).
enum NumberField {
    /// `text` as a finite number; NaN, `inf` and values beyond a Double (`1e400`) are refused.
    static func double(_ text: String, name: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed) else {
            throw VisageError(.invalidRequest, "\(name) must be a number, got '\(text.prefix(40))'")
        }
        return try finite(value, name: name)
    }

    static func finite(_ value: Double, name: String) throws -> Double {
        guard value.isFinite else { throw VisageError(.invalidRequest, "\(name) must be a finite number") }
        return value
    }

    /// A whole number of `value`, checked against `range` before it is converted, with `message`
    /// as the refusal (each route keeps its own wording).
    static func integer(_ value: Double, name: String, in range: ClosedRange<Int>, message: String) throws -> Int {
        let value = try finite(value, name: name)
        guard value >= Double(range.lowerBound), value < Double(range.upperBound) + 1 else {
            throw VisageError(.invalidRequest, message)
        }
        return Int(value.rounded(.towardZero))
    }

    /// A whole number of any size `Int` holds exactly (JSON numbers arrive as doubles).
    static func wholeNumber(_ value: Double, name: String) throws -> Int {
        guard value.isFinite, value == value.rounded(), abs(value) < 1e15 else {
            throw VisageError(.invalidRequest, "\(name) must be a whole number")
        }
        return Int(value)
    }
}
