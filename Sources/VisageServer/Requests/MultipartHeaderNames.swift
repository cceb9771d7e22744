import NIOCore

/// Whether every part header name in a multipart body is ASCII, checked before MultipartKit
/// parses it: MultipartKit 4.7's parser looks each header name byte up in a 128-entry table and
/// traps past its end, so one byte over 0x7F in a name ended the process (found by the
/// `multipart` fuzz target).
///
/// Header names follow a delimiter (`--` and the boundary) and a CRLF; each runs to its `:`. The
/// check looks after every occurrence of `--boundary`, which covers every place MultipartKit
/// starts reading headers, and more: it refuses only bodies MultipartKit would refuse too, or
/// that break RFC 2046's rule that the boundary appears nowhere but in delimiters. One pass over
/// the body (Knuth-Morris-Pratt for the delimiter), so a body made to look like many
/// header blocks costs no more than any other.
enum MultipartHeaderNames {
    private enum Position {
        case content
        /// After the delimiter; `carriageReturn`: its CR has been read.
        case delimiter(carriageReturn: Bool)
        /// In a header name; `empty`: nothing of it read yet.
        case name(empty: Bool)
        case value
        /// After a value's CR.
        case valueEnd
    }

    static func areASCII(_ body: ByteBuffer, boundary: String) -> Bool {
        let delimiter = Array("--\(boundary)".utf8)
        let fallback = failureFunction(delimiter)
        return body.withUnsafeReadableBytes { bytes in
            var position = Position.content
            var matched = 0
            for byte in bytes {
                switch (position, byte) {
                case (.content, _): break
                case (.delimiter(false), .cr): position = .delimiter(carriageReturn: true)
                case (.delimiter(true), .lf): position = .name(empty: true)
                case (.delimiter, _): position = .content
                case (.name, 0x80...): return false
                case (.name, .colon): position = .value
                // A blank line ends the headers; a CR inside a name is MultipartKit's syntax error.
                case (.name, .cr): position = .content
                case (.name, _): position = .name(empty: false)
                case (.value, .cr): position = .valueEnd
                case (.value, _): break
                case (.valueEnd, .lf): position = .name(empty: true)
                case (.valueEnd, _): position = .content
                }
                while matched > 0, byte != delimiter[matched] { matched = fallback[matched - 1] }
                if byte == delimiter[matched] { matched += 1 }
                if matched == delimiter.count {
                    matched = fallback[matched - 1]
                    position = .delimiter(carriageReturn: false)
                }
            }
            return true
        }
    }

    /// KMP's table: for each prefix of `pattern`, the length of its longest proper prefix that
    /// is also its suffix.
    private static func failureFunction(_ pattern: [UInt8]) -> [Int] {
        var table = [Int](repeating: 0, count: pattern.count)
        var length = 0
        for index in pattern.indices.dropFirst() {
            while length > 0, pattern[index] != pattern[length] { length = table[length - 1] }
            if pattern[index] == pattern[length] { length += 1 }
            table[index] = length
        }
        return table
    }
}

extension UInt8 {
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let colon = UInt8(ascii: ":")
}
