import Foundation
import VisageCore

/// Any field name, for the request types that read their fields by name.
struct FieldKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The field types every request body shares, read the same way from a JSON body and from a
/// multipart form (whose fields are all text): a number may be a JSON number or text, a flag
/// `true`/`false` or the text `true`, `false`, `1`, `0`. A field of the wrong type is
/// `invalid_request` naming the field; JSON `null` is the same as leaving the field out.
extension KeyedDecodingContainer where Key == FieldKey {
    func text(_ name: String) throws -> String? {
        do {
            return try decodeIfPresent(String.self, forKey: FieldKey(name))
        } catch is DecodingError {
            throw VisageError(.invalidRequest, "\(name) must be a string")
        }
    }

    /// A finite number (`NumberField`): JSON's `1e400` and a form's `nan` are refused.
    func number(_ name: String) throws -> Double? {
        let key = FieldKey(name)
        guard present(key) else { return nil }
        if let text = try? decode(String.self, forKey: key) { return try NumberField.double(text, name: name) }
        // JSON `true` is no number, whichever way a decoder would convert it.
        guard (try? decode(Bool.self, forKey: key)) == nil, let value = try? decode(Double.self, forKey: key) else {
            throw VisageError(.invalidRequest, "\(name) must be a number")
        }
        return try NumberField.finite(value, name: name)
    }

    /// A whole number that `Int` holds exactly.
    func integer(_ name: String) throws -> Int? {
        try number(name).map { try NumberField.wholeNumber($0, name: name) }
    }

    func flag(_ name: String) throws -> Bool? {
        let key = FieldKey(name)
        guard present(key) else { return nil }
        if let value = try? decode(Bool.self, forKey: key) { return value }
        if let text = try? decode(String.self, forKey: key) {
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: break
            }
        }
        throw VisageError(.invalidRequest, "\(name) must be true or false")
    }

    /// Given, and not JSON `null`.
    private func present(_ key: FieldKey) -> Bool {
        contains(key) && !((try? decodeNil(forKey: key)) ?? false)
    }
}
