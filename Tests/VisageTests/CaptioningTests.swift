import Foundation
import Testing
import VisageCore
import VisageImaging
import VisageInference

@testable import VisageCaptioning

/// The captioner on the tiny models of scripts/tiny_captioner.py (Xenova/vit-gpt2-image-captioning's
/// names, types and shapes): the generation loop, its key/value cache, greedy and beam search,
/// the repetition rules, and GPT-2's byte-level decoding.
@Suite(.enabled(if: TinyModels.available, "Python onnx could not be installed: the tiny models were not generated"))
struct CaptioningTests {
    static let options = SessionOptions(intraOpThreads: 1, device: .cpu)

    static func captioner(beam: Bool = false) throws -> ImageCaptioner {
        let generated = try TinyModels.generated.get()
        return try ImageCaptioner(folder: beam ? generated.captionerBeam : generated.captioner, runtime: TestServices.runtime, options: options)
    }

    static func solid(_ red: UInt8, _ green: UInt8, _ blue: UInt8, width: Int = 300, height: Int = 200) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for index in 0..<(width * height) { (image.pixels[index * 3], image.pixels[index * 3 + 1], image.pixels[index * 3 + 2]) = (red, green, blue) }
        return image
    }

    /// The decoder reads its position from the cache's length and the `use_cache_branch` flag, so
    /// only a loop that carries `present` into `past` step after step spells the colour.
    @Test(arguments: [("red", 220, 30, 30), ("green", 20, 200, 40), ("blue", 10, 20, 230)] as [(String, UInt8, UInt8, UInt8)])
    func greedyAndBeamSearchSpellTheDominantColour(_ colour: String, _ red: UInt8, _ green: UInt8, _ blue: UInt8) throws {
        let captioner = try Self.captioner()
        let image = Self.solid(red, green, blue)
        for beams in [1, 3] {
            let caption = try captioner.caption(image, options: CaptionOptions(numBeams: beams))
            #expect(caption.text == "a \(colour) square", "\(beams) beams")
            #expect(caption.tokenIDs.count == 3)
        }
        #expect(try captioner.describe(image) == ("a \(colour) square", "captioner"))
    }

    @Test func maxLengthCutsTheCaption() throws {
        let captioner = try Self.captioner()
        let image = Self.solid(10, 20, 230)
        #expect(try captioner.caption(image, options: CaptionOptions(maxLength: 2)).text == "a blue")
        #expect(try captioner.caption(image, options: CaptionOptions(maxLength: 1, numBeams: 3)).text == "a")
        for bad in [0, 257] {
            #expect(throws: VisageError.self) { try captioner.caption(image, options: CaptionOptions(maxLength: bad)) }
        }
    }

    /// On this model greedy search takes " red" (p 0.5) and then the end (0.25): p 0.125; a beam
    /// of two keeps " blue" (0.4), which " square" (0.99) and the end (0.99) follow: p 0.39.
    @Test func beamSearchFindsTheLikelierCaptionGreedySearchMisses() throws {
        let captioner = try Self.captioner(beam: true)
        let image = Self.solid(128, 128, 128)
        let greedy = try captioner.caption(image, options: CaptionOptions(numBeams: 1))
        let beam = try captioner.caption(image, options: CaptionOptions(numBeams: 2))
        #expect(greedy.text == "red")
        #expect(beam.text == "blue square")
        #expect(abs(greedy.logProbability - log(0.5 * 0.25)) < 1e-3, "\(greedy.logProbability)")
        #expect(abs(beam.logProbability - log(0.4 * 0.99 * 0.99)) < 1e-3, "\(beam.logProbability)")
    }

    @Test func noRepeatNgramBansTheTokenThatWouldRepeatAnNgram() {
        let search = BeamSearch(options: CaptionOptions(noRepeatNgramSize: 2), startToken: 9, endToken: 9)
        // [9, 5, 1, 2, 1]: the bigram (1, 2) was seen, so after 1 the token 2 is banned.
        #expect(search.bannedTokens(after: [9, 5, 1, 2, 1]) == [2])
        #expect(search.bannedTokens(after: [9, 5, 1, 2]).isEmpty)
        let scores = search.logProbabilities([0, 0, 0, 0, 0, 0], after: [5, 1, 2, 1])
        #expect(scores[2] == -.infinity && scores[3].isFinite)
    }

    @Test func repetitionPenaltyMakesGeneratedTokensLessLikely() {
        let plain = BeamSearch(options: CaptionOptions(), startToken: 0, endToken: 0)
        let penalised = BeamSearch(options: CaptionOptions(repetitionPenalty: 2), startToken: 0, endToken: 0)
        let logits: [Float] = [1, 2, -1, 2]
        let before = plain.logProbabilities(logits, after: [1, 2])
        let after = penalised.logProbabilities(logits, after: [1, 2])
        #expect(after[1] < before[1] && after[2] < before[2])  // positive logits divided, negative multiplied
        #expect(after[3] > before[3])
        #expect(abs(after.map(exp).reduce(0, +) - 1) < 1e-9)
    }

    /// GPT-2's facts: its ids 0 to 255 are its byte tokens (220 `Ġ` a space, 198 `Ċ` a line feed,
    /// 0 `!`), 257 is `Ġa`; multi-byte characters span the characters of their bytes; special
    /// tokens are left out.
    @Test func gpt2DecodingTurnsByteCharactersIntoUTF8() throws {
        let folder = try TinyModels.generated.get().captioner
        let vocabulary = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: folder.appendingPathComponent("vocab.json")))
        #expect(vocabulary["Ġ"] == 220 && vocabulary["Ċ"] == 198 && vocabulary["!"] == 0 && vocabulary["Ġa"] == 257)
        let end = try #require(vocabulary["<|endoftext|>"])
        let decoder = try GPT2TokenDecoder.load(folder: folder, special: [end])
        #expect(decoder.decode([220]) == " " && decoder.decode([198]) == "\n" && decoder.decode([0]) == "!")
        #expect(decoder.decode([end, vocabulary["a"]!, 257, vocabulary["ĠcafÃ©"]!, end]) == "a a café")
        // "é" is two bytes (C3 A9): its byte tokens one by one make it, alone each is not UTF-8.
        #expect(decoder.decode([vocabulary["Ã"]!, vocabulary["©"]!]) == "é")
        #expect(decoder.decode([vocabulary["Ã"]!]) == "\u{FFFD}")
        #expect(GPT2TokenDecoder.byteOfCharacter.count == 256 && Set(GPT2TokenDecoder.byteOfCharacter.values).count == 256)
        #expect(decoder.decode([-1, 99_999]).isEmpty)
    }

    @Test func aFolderThatIsNotACaptionerIsRefusedWithTheReason() throws {
        let empty = TestServices.temporaryDirectory()
        #expect { try ImageCaptioner(folder: empty, runtime: TestServices.runtime, options: Self.options) } throws: {
            ($0 as? VisageError)?.errorCode == .modelLoadFailed && "\($0)".contains("encoder_model.onnx")
        }
        // The encoder where the decoder should be: not a merged decoder.
        let folder = TestServices.temporaryDirectory()
        let source = try TinyModels.generated.get().captioner
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("onnx"), withIntermediateDirectories: true)
        for file in ["config.json", "generation_config.json", "preprocessor_config.json", "vocab.json", ImageCaptioner.encoderFile] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try FileManager.default.copyItem(
            at: source.appendingPathComponent(ImageCaptioner.encoderFile), to: folder.appendingPathComponent(ImageCaptioner.decoderFile))
        #expect { try ImageCaptioner(folder: folder, runtime: TestServices.runtime, options: Self.options) } throws: {
            ($0 as? VisageError)?.errorCode == .modelMismatch
        }
    }
}
