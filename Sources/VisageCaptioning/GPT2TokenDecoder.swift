import Foundation
import VisageCore

/// Token ids back to text, as GPT-2's byte-level BPE decodes: each id is a token of the
/// vocabulary, each character of a token stands for one byte (GPT-2's `bytes_to_unicode`: the
/// printable bytes as themselves, the others shifted to U+0100 and on, so `Ġ` is a space and `Ċ`
/// a line feed), and the bytes are UTF-8. Special tokens (`<|endoftext|>`) are left out.
public struct GPT2TokenDecoder: Sendable {
    /// Each id's token; nil where the vocabulary has a hole.
    private let tokens: [String?]
    private let special: Set<Int>

    /// `vocabulary`: token -> id (`vocab.json`); `special`: the ids never written out.
    public init(vocabulary: [String: Int], special: Set<Int>) {
        var tokens = [String?](repeating: nil, count: (vocabulary.values.max() ?? -1) + 1)
        for (token, id) in vocabulary where id >= 0 { tokens[id] = token }
        self.tokens = tokens
        self.special = special
    }

    /// The folder's `vocab.json`, else the vocabulary and added tokens of its `tokenizer.json`.
    /// `special` joins the added tokens marked special.
    public static func load(folder: URL, special: Set<Int>) throws -> GPT2TokenDecoder {
        let vocab = folder.appendingPathComponent("vocab.json"), tokenizer = folder.appendingPathComponent("tokenizer.json")
        if let data = try? Data(contentsOf: vocab) {
            guard let vocabulary = try? JSONDecoder().decode([String: Int].self, from: data) else {
                throw VisageError(.modelLoadFailed, "\(vocab.path) is not a token -> id object")
            }
            return GPT2TokenDecoder(vocabulary: vocabulary, special: special)
        }
        guard let data = try? Data(contentsOf: tokenizer),
            let parsed = try? JSONDecoder().decode(HuggingFaceTokenizer.self, from: data)
        else {
            throw VisageError(.modelLoadFailed, "\(folder.path) has neither vocab.json nor a readable tokenizer.json")
        }
        var vocabulary = parsed.model.vocab
        var allSpecial = special
        for added in parsed.addedTokens ?? [] {
            vocabulary[added.content] = added.id
            if added.special == true { allSpecial.insert(added.id) }
        }
        return GPT2TokenDecoder(vocabulary: vocabulary, special: allSpecial)
    }

    /// The text of `ids`, special and unknown ids skipped; bytes that are not UTF-8 become U+FFFD,
    /// as Hugging Face's `errors="replace"` makes them.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where !special.contains(id) && id >= 0 && id < tokens.count {
            guard let token = tokens[id] else { continue }
            for scalar in token.unicodeScalars {
                if let byte = Self.byteOfCharacter[scalar.value] {
                    bytes.append(byte)
                } else {
                    bytes.append(contentsOf: Array(String(scalar).utf8))  // an added token's own text
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// GPT-2's `bytes_to_unicode`, inverted: character code -> byte.
    static let byteOfCharacter: [UInt32: UInt8] = {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        let kept = Set(printable)
        var table: [UInt32: UInt8] = [:]
        for byte in printable { table[UInt32(byte)] = UInt8(byte) }
        var shifted: UInt32 = 0
        for byte in 0...255 where !kept.contains(byte) {
            table[256 + shifted] = UInt8(byte)
            shifted += 1
        }
        return table
    }()
}

/// The parts of a Hugging Face `tokenizer.json` the decoder reads.
private struct HuggingFaceTokenizer: Decodable {
    struct Model: Decodable { let vocab: [String: Int] }
    struct AddedToken: Decodable {
        let id: Int
        let content: String
        let special: Bool?
    }
    let model: Model
    let addedTokens: [AddedToken]?

    enum CodingKeys: String, CodingKey {
        case model
        case addedTokens = "added_tokens"
    }
}
