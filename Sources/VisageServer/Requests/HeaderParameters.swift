import Foundation

/// The `key=value` parameters after a header's first `;`, such as `boundary` in a Content-Type
/// or `name` and `filename` in a Content-Disposition. Values may be quoted (with `\` escapes).
struct HeaderParameters {
    private var parameters: [String: String] = [:]

    init(_ header: String) {
        var characters = Substring(header)
        // Skip the value before the first ';' ("multipart/form-data", "form-data").
        guard let start = characters.firstIndex(of: ";") else { return }
        characters = characters[characters.index(after: start)...]
        while !characters.isEmpty {
            characters = characters.drop(while: { $0 == " " || $0 == "\t" || $0 == ";" })
            let key = characters.prefix(while: { $0 != "=" && $0 != ";" })
            characters = characters.dropFirst(key.count)
            guard characters.first == "=" else { continue }
            characters = characters.dropFirst()
            var value = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                while let next = characters.first, next != "\"" {
                    characters = characters.dropFirst()
                    if next == "\\", let escaped = characters.first {
                        value.append(escaped)
                        characters = characters.dropFirst()
                    } else {
                        value.append(next)
                    }
                }
                characters = characters.dropFirst()
            } else {
                let raw = characters.prefix(while: { $0 != ";" })
                characters = characters.dropFirst(raw.count)
                value = raw.trimmingCharacters(in: .whitespaces)
            }
            parameters[key.trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
    }

    subscript(key: String) -> String? { parameters[key] }
}
