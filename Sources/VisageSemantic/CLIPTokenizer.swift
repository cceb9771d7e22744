import Foundation
import VisageCore
import VisageInference
import VisageModels

/// OpenAI CLIP's byte-level BPE tokenizer (`simple_tokenizer.py`), on the real vocabulary file
/// `bpe_simple_vocab_16e6.txt.gz`: a header line, then merges by rank.
///
/// The vocabulary is the 256 byte characters, the same with `</w>` (end of word), one entry per
/// merge (48,894 for CLIP) and `<|startoftext|>`, `<|endoftext|>` (49406 and 49407). Text is
/// cleaned as OpenAI's tokenizer cleans it (NFC, HTML entities undone, runs of white space made
/// one space, trimmed, lower-cased) and split as its pattern splits it: the two special tokens,
/// the contractions `'s 't 're 've 'm 'll 'd`, runs of letters, single digits, and runs of
/// anything else but white space. Each piece's UTF-8 bytes become printable characters
/// (`bytes_to_unicode`), and the lowest-ranked adjacent pair is merged until none is in the merges.
/// (ftfy's mojibake repair is not reproduced; NFC is the part of it that changes ordinary text.)
public struct CLIPTokenizer: Sendable {
    /// CLIP's text context: every encoder input row is this long.
    public static let contextLength = 77
    /// The merges OpenAI's tokenizer reads from the file (`49152 - 256 - 2`).
    public static let mergeCount = 48_894

    public let startOfText: Int
    public let endOfText: Int
    /// Number of tokens (49,408 for CLIP).
    public var vocabularySize: Int { encoder.count }

    private let encoder: [String: Int]
    private let ranks: [String: Int]
    /// `bytes_to_unicode`: the character each byte is written as.
    private let byteCharacters: [String]

    /// Reads a vocabulary file (gzip or plain text): a header line, then merges `a b`.
    public init(vocabularyFile url: URL, mergeCount: Int = CLIPTokenizer.mergeCount) throws {
        var data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw VisageError(.modelLoadFailed, "cannot read the CLIP vocabulary \(url.path): \(error.localizedDescription)")
        }
        if GzipData.isGzip(data) { data = try GzipData.decompress(data, source: url.path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VisageError(.modelLoadFailed, "the CLIP vocabulary \(url.path) is not UTF-8")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        guard lines.count >= mergeCount else {
            throw VisageError(
                .modelLoadFailed, "the CLIP vocabulary \(url.path) has \(lines.count) merges; \(mergeCount) are needed")
        }
        try self.init(merges: lines.prefix(mergeCount).map(String.init))
    }

    /// Reads the merges of a Hugging Face `tokenizer.json` (what Immich's model folders carry in
    /// `textual/`): `model.merges` as `"a b"` strings or `["a", "b"]` pairs. Its `model.vocab` must
    /// give every token the id CLIP's construction gives it, or the file is some other tokenizer.
    public init(huggingFaceTokenizerFile url: URL) throws {
        struct File: Decodable {
            struct Model: Decodable {
                let type: String?
                let vocab: [String: Int]
                let merges: [Merge]
            }
            let model: Model
        }
        enum Merge: Decodable {
            case line(String)
            case pair([String])
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let line = try? container.decode(String.self) {
                    self = .line(line)
                } else {
                    self = .pair(try container.decode([String].self))
                }
            }
            var line: String {
                switch self {
                case .line(let line): return line
                case .pair(let pair): return pair.joined(separator: " ")
                }
            }
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: try Data(contentsOf: url))
        } catch {
            throw VisageError(.modelLoadFailed, "\(url.path) is not a readable Hugging Face tokenizer.json: \(error)")
        }
        guard file.model.type == nil || file.model.type == "BPE" else {
            throw VisageError(.modelMismatch, "\(url.path) holds a \(file.model.type ?? "") tokenizer, not CLIP's BPE")
        }
        try self.init(merges: file.model.merges.map(\.line))
        for (token, id) in file.model.vocab where encoder[token] != id {
            throw VisageError(
                .modelMismatch, "\(url.path) gives '\(token)' the id \(id), not CLIP's \(encoder[token].map(String.init) ?? "none")")
        }
    }

    /// A tokenizer from merge lines (`"a b"`, in rank order, no header).
    public init(merges: [String]) throws {
        let characters = Self.bytesToUnicode()
        var vocabulary = Self.byteOrder.map { characters[Int($0)] }
        vocabulary += vocabulary.map { $0 + "</w>" }
        var ranks: [String: Int] = [:]
        for (rank, line) in merges.enumerated() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw VisageError(.modelLoadFailed, "CLIP merge \(rank + 1) is not two symbols: '\(line)'")
            }
            if ranks[line] == nil { ranks[line] = rank }
            vocabulary.append(String(parts[0]) + String(parts[1]))
        }
        vocabulary += ["<|startoftext|>", "<|endoftext|>"]
        var encoder: [String: Int] = [:]
        for (id, token) in vocabulary.enumerated() { encoder[token] = id }  // later wins, as dict(zip()) does
        self.encoder = encoder
        self.ranks = ranks
        byteCharacters = characters
        startOfText = encoder["<|startoftext|>"]!
        endOfText = encoder["<|endoftext|>"]!
    }

    // MARK: - Encoding

    /// The BPE token ids of `text`, without the start and end tokens.
    public func encode(_ text: String) -> [Int] {
        // Every token is a byte character, a merge or a special token, so it is in the vocabulary.
        tokens(text).compactMap { encoder[$0] }
    }

    /// The BPE tokens of `text` as strings (`"photo</w>"`), without the start and end tokens.
    func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        for piece in Self.pretokenize(Self.clean(text)) {
            if piece == "<|startoftext|>" || piece == "<|endoftext|>" {
                tokens.append(piece)
            } else {
                tokens += bytePairs(piece.utf8.map { byteCharacters[Int($0)] })
            }
        }
        return tokens
    }

    /// One encoder input row: `<|startoftext|>`, the tokens, `<|endoftext|>`, padded to
    /// `contextLength` with `padding` (OpenAI's 0; Immich pads with its tokenizer_config.json's
    /// `pad_token`, `<|endoftext|>` for OpenAI's models, which read the first end token either
    /// way); a longer text is cut so that `<|endoftext|>` stays last (OpenAI's
    /// `tokenize(..., truncate=True)`).
    public func tokenize(_ text: String, contextLength: Int = CLIPTokenizer.contextLength, padding: Int = 0) -> [Int64] {
        var tokens = [startOfText] + encode(text) + [endOfText]
        if tokens.count > contextLength {
            tokens = Array(tokens.prefix(contextLength))
            tokens[contextLength - 1] = endOfText
        }
        return tokens.map(Int64.init) + [Int64](repeating: Int64(padding), count: contextLength - tokens.count)
    }

    /// Rows for several texts: an [N, contextLength] tensor.
    public func tokenize(_ texts: [String], contextLength: Int = CLIPTokenizer.contextLength, padding: Int = 0) throws -> Int64Tensor {
        try Int64Tensor(
            shape: [texts.count, contextLength],
            data: texts.flatMap { tokenize($0, contextLength: contextLength, padding: padding) })
    }

    /// The id of a token as the vocabulary spells it (`"<|endoftext|>"`, `"red</w>"`).
    public func id(of token: String) -> Int? {
        encoder[token]
    }

    /// BPE on one word's byte characters; the last symbol carries `</w>`.
    private func bytePairs(_ characters: [String]) -> [String] {
        guard var symbols = characters.isEmpty ? nil : characters else { return [] }
        symbols[symbols.count - 1] += "</w>"
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)?
            for index in 0..<(symbols.count - 1) {
                if let rank = ranks[symbols[index] + " " + symbols[index + 1]], rank < (best?.rank ?? Int.max) {
                    best = (rank, index)
                }
            }
            guard let best else { break }
            // Merge every occurrence of the pair, left to right, as OpenAI's loop does.
            let first = symbols[best.index], second = symbols[best.index + 1]
            var merged: [String] = []
            merged.reserveCapacity(symbols.count)
            var index = 0
            while index < symbols.count {
                if index < symbols.count - 1 && symbols[index] == first && symbols[index + 1] == second {
                    merged.append(first + second)
                    index += 2
                } else {
                    merged.append(symbols[index])
                    index += 1
                }
            }
            symbols = merged
        }
        return symbols
    }

    // MARK: - Text cleaning and splitting

    /// NFC, HTML entities undone (twice, as OpenAI's `basic_clean`), white space runs made one
    /// space, trimmed, lower-cased.
    static func clean(_ text: String) -> String {
        let unescaped = HTMLEntities.unescape(HTMLEntities.unescape(text.precomposedStringWithCanonicalMapping))
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in unescaped.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out).lowercased()
    }

    /// The pieces of OpenAI's pattern
    /// `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`,
    /// in order; white space between them is dropped.
    static func pretokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        var index = 0
        func matches(_ literal: String, at start: Int) -> Bool {
            let wanted = Array(literal.unicodeScalars)
            guard start + wanted.count <= scalars.count else { return false }
            return (0..<wanted.count).allSatisfy { scalars[start + $0] == wanted[$0] }
        }
        func piece(_ range: Range<Int>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            return String(view)
        }
        while index < scalars.count {
            if let special = ["<|startoftext|>", "<|endoftext|>"].first(where: { matches($0, at: index) }) {
                pieces.append(special)
                index += special.unicodeScalars.count
                continue
            }
            if let contraction = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].first(where: { matches($0, at: index) }) {
                pieces.append(contraction)
                index += contraction.unicodeScalars.count
                continue
            }
            let scalar = scalars[index]
            var end = index + 1
            if isLetter(scalar) {
                while end < scalars.count && isLetter(scalars[end]) { end += 1 }
            } else if isNumber(scalar) {
                // One digit per piece.
            } else if isSpace(scalar) {
                index += 1
                continue
            } else {
                while end < scalars.count && !isSpace(scalars[end]) && !isLetter(scalars[end]) && !isNumber(scalars[end]) {
                    end += 1
                }
            }
            pieces.append(piece(index..<end))
            index = end
        }
        return pieces
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// `\s` of Python's `regex` on text: Unicode white space and the ASCII separators 0x1C-0x1F.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    // MARK: - Bytes as characters

    /// GPT-2's `bytes_to_unicode` order: the printable bytes `!`...`~`, `¡`...`¬`, `®`...`ÿ` first,
    /// then the other bytes in increasing order.
    static let byteOrder: [UInt8] = {
        let printable = Array(UInt8(33)...126) + Array(UInt8(161)...172) + Array(UInt8(174)...255)
        return printable + (0...255).map(UInt8.init).filter { !printable.contains($0) }
    }()

    /// The character each byte stands for: itself when printable, else U+0100 onwards in order.
    static func bytesToUnicode() -> [String] {
        var characters = [String](repeating: "", count: 256)
        var next: UInt32 = 256
        for byte in byteOrder {
            if byte >= 33 && byte <= 126 || byte >= 161 && byte <= 172 || byte >= 174 {
                characters[Int(byte)] = String(Unicode.Scalar(UInt32(byte))!)
            } else {
                characters[Int(byte)] = String(Unicode.Scalar(next)!)
                next += 1
            }
        }
        return characters
    }
}

/// Python's `html.unescape` for the entities that occur in captions and queries: the five XML
/// ones, `&nbsp;` and numeric references.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
    ]

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            out += rest[..<ampersand]
            let after = rest[rest.index(after: ampersand)...]
            if let semicolon = after.prefix(12).firstIndex(of: ";"), let value = decode(after[..<semicolon]) {
                out += value
                rest = after[after.index(after: semicolon)...]
            } else {
                out += "&"
                rest = after
            }
        }
        return out + rest
    }

    private static func decode(_ name: Substring) -> String? {
        if let value = named[String(name)] { return value }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let number: UInt32?
        if digits.hasPrefix("x") || digits.hasPrefix("X") {
            number = UInt32(digits.dropFirst(), radix: 16)
        } else {
            number = UInt32(digits, radix: 10)
        }
        return number.flatMap(Unicode.Scalar.init).map { String($0) }
    }
}
