import Foundation
import Testing
import VisageCore

@testable import VisageSemantic

/// Our CLIP tokenizer on the real vocabulary, against token ids and tokens that reference
/// implementations publish in their own tests. None of the expected values below was produced by
/// this code; each list says where it was published.
@Suite struct CLIPTokenizerTests {
    static let vocabulary = CLI.shared.appendingPathComponent("models/clip/bpe_simple_vocab_16e6.txt.gz")
    static let tokenizer = try! CLIPTokenizer(vocabularyFile: vocabulary)

    @Test func theRealVocabularyHasCLIPsSizeAndSpecialTokens() {
        #expect(Self.tokenizer.vocabularySize == 49_408)
        #expect(Self.tokenizer.startOfText == 49_406)
        #expect(Self.tokenizer.endOfText == 49_407)
    }

    /// Published by Bumblebee (elixir-nx/bumblebee, test/bumblebee/text/clip_tokenizer_test.exs,
    /// "encoding model input"), from the openai/clip-vit-base-patch32 tokenizer. The cat row also
    /// appears in the README of a CLIP-tokenizer script ("a photo of a cat" -> 320,1125,539,320,2368).
    @Test func aPhotoOfACatAndADog() {
        #expect(Self.tokenizer.tokenize("a photo of a cat").prefix(7) == [49406, 320, 1125, 539, 320, 2368, 49407])
        #expect(Self.tokenizer.tokenize("a photo of a dog").prefix(7) == [49406, 320, 1125, 539, 320, 1929, 49407])
        #expect(Self.tokenizer.encode("a photo of a cat") == [320, 1125, 539, 320, 2368])
    }

    /// Hugging Face transformers, tests/models/clip/test_tokenization_clip.py
    /// (`integration_expected_tokens` and `integration_expected_token_ids` of
    /// CLIPTokenizationTest, from_pretrained_id "openai/clip-vit-base-patch32"), for the shared
    /// input string of the tokenization tests (tests/test_tokenization_common.py's master input,
    /// the version without the emoji). It covers case, runs of white space and new lines, digits
    /// one by one, punctuation, an accented letter, Chinese, Thai (a combining vowel sign splits
    /// from its letter: it is no \p{L}) and `<s>` split into pieces.
    static let transformersInput =
        "This is a test\nI was born in 92000, and this is fals\u{E9}.\n生活的真谛是\nHi  Hello\nHi   Hello\n\n \n  \n Hello\n<s>\nhi<s>there\n"
        + "The following string should be properly encoded: Hello.\nBut ird and \u{0E1B}\u{0E35}   ird   \u{0E14}\nHey how are you doing"
    static let transformersTokens = [
        "this</w>", "is</w>", "a</w>", "test</w>", "i</w>", "was</w>", "born</w>", "in</w>", "9</w>", "2</w>", "0</w>", "0</w>",
        "0</w>", ",</w>", "and</w>", "this</w>", "is</w>", "fal", "s", "Ã©</w>", ".</w>", "çĶŁ", "æ", "´", "»", "ç", "ļ", "Ħ",
        "çľŁ", "è", "°", "Ľ", "æĺ", "¯</w>", "hi</w>", "hello</w>", "hi</w>", "hello</w>", "hello</w>", "<</w>", "s</w>",
        "></w>", "hi</w>", "<</w>", "s</w>", "></w>", "there</w>", "the</w>", "following</w>", "string</w>", "should</w>",
        "be</w>", "properly</w>", "en", "coded</w>", ":</w>", "hello</w>", ".</w>", "but</w>", "ird</w>", "and</w>", "à¸",
        "Ľ</w>", "à¸µ</w>", "ird</w>", "à¸Ķ</w>", "hey</w>", "how</w>", "are</w>", "you</w>", "doing</w>",
    ]
    static let transformersIds: [Int64] = [
        49406, 589, 533, 320, 1628, 328, 739, 2683, 530, 280, 273, 271, 271, 271, 267, 537, 589, 533, 2778, 82, 4166, 269, 33375,
        162, 112, 119, 163, 248, 226, 41570, 164, 108, 249, 42891, 363, 1883, 3306, 1883, 3306, 3306, 283, 338, 285, 1883, 283,
        338, 285, 997, 518, 3473, 9696, 1535, 655, 12560, 524, 33703, 281, 3306, 269, 767, 2770, 537, 1777, 505, 20278, 2770,
        38825, 2189, 829, 631, 592, 1960, 49407,
    ]

    @Test func transformersIntegrationString() {
        #expect(Self.tokenizer.tokens(Self.transformersInput) == Self.transformersTokens)
        let row = Self.tokenizer.tokenize(Self.transformersInput)
        #expect(Array(row.prefix(Self.transformersIds.count)) == Self.transformersIds)
        #expect(row.dropFirst(Self.transformersIds.count).allSatisfy { $0 == 0 })
    }

    /// transformers' test_full_tokenizer (same file): with the merges `l o`, `lo w</w>`, `e r</w>`,
    /// "lower newer" is ["lo", "w", "er</w>", "n", "e", "w", "er</w>"]. Merges apply by rank, and
    /// a word's last symbol carries `</w>`.
    @Test func mergesApplyByRankOnAToyVocabulary() throws {
        let toy = try CLIPTokenizer(merges: ["l o", "lo w</w>", "e r</w>"])
        #expect(toy.tokens("lower newer") == ["lo", "w", "er</w>", "n", "e", "w", "er</w>"])
    }

    /// OpenAI's `tokenize`: rows are `context_length` long, padded with 0, and a long text is cut
    /// with `<|endoftext|>` kept last. 320 is "a</w>" (the published rows above).
    @Test func rowsArePaddedWithZeroAndTruncatedKeepingEndOfText() throws {
        let row = Self.tokenizer.tokenize("a photo of a cat")
        #expect(row.count == 77)
        #expect(row.dropFirst(7).allSatisfy { $0 == 0 })

        let long = Self.tokenizer.tokenize(Array(repeating: "a", count: 100).joined(separator: " "))
        #expect(long.count == 77)
        #expect(long.first == 49406 && long.last == 49407)
        #expect(long.dropFirst().dropLast().allSatisfy { $0 == 320 })

        let exact = Self.tokenizer.tokenize(Array(repeating: "a", count: 75).joined(separator: " "))
        #expect(exact.last == 49407 && exact[75] == 320)

        let batch = try Self.tokenizer.tokenize(["a photo of a cat", "a photo of a dog"], contextLength: 16)
        #expect(batch.shape == [2, 16])
        #expect(Array(batch.data[16..<23]) == [49406, 320, 1125, 539, 320, 1929, 49407])
    }

    /// Case, surrounding and repeated white space and HTML entities do not change the tokens, as
    /// in OpenAI's `basic_clean` and `whitespace_clean`.
    @Test func cleaningMatchesOpenAIs() {
        let expected = Self.tokenizer.encode("a photo of a cat")
        #expect(Self.tokenizer.encode("  A PHOTO\tof\n\na   Cat ") == expected)
        #expect(CLIPTokenizer.clean("Tom &amp;amp; Jerry&#39;s") == "tom & jerry's")
        #expect(Self.tokenizer.encode("") == [])
        #expect(Self.tokenizer.tokenize("").prefix(3) == [49406, 49407, 0])
    }

    /// OpenAI's pattern: contractions, letter runs, single digits, other runs; special tokens whole.
    @Test func pretokenizationFollowsOpenAIsPattern() {
        #expect(CLIPTokenizer.pretokenize("don't we'll 2024 to-$''d.") == ["don", "'t", "we", "'ll", "2", "0", "2", "4", "to", "-$''", "d", "."])
        #expect(CLIPTokenizer.pretokenize("<|startoftext|>hi<|endoftext|>") == ["<|startoftext|>", "hi", "<|endoftext|>"])
        #expect(Self.tokenizer.encode("<|endoftext|>") == [49407])
    }

    @Test func aVocabularyWithTooFewMergesIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clip-vocab-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try "#version: 0.2\ni n\nt h\n".write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: VisageError.self) { try CLIPTokenizer(vocabularyFile: url) }
        #expect(error?.code == "model_load_failed")
    }
}
