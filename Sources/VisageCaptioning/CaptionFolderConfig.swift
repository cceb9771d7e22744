import Foundation
import VisageCore

/// The generation settings of a captioner folder, read as transformers reads them:
/// `generation_config.json` first, then `config.json`'s top level, then its `decoder` section
/// (nlpconnect/vit-gpt2-image-captioning: start, end and padding are all 50256, `<|endoftext|>`;
/// `num_beams` 1, `no_repeat_ngram_size` 0, `repetition_penalty` 1).
struct CaptionFolderConfig: Sendable {
    let decoderStartTokenID: Int
    let endTokenID: Int
    let padTokenID: Int?
    let numBeams: Int?
    let noRepeatNgramSize: Int?
    let repetitionPenalty: Double?
    let lengthPenalty: Double?
    /// GPT-2's context (`n_positions`, 1024): a caption and its start token must fit in it.
    let maxPositions: Int

    init(folder: URL) throws {
        let config = try Self.object(folder.appendingPathComponent("config.json"), required: true)
        let generation = try Self.object(folder.appendingPathComponent("generation_config.json"), required: false)
        let decoder = config["decoder"] as? [String: Any] ?? [:]
        func value(_ key: String) -> Any? { generation[key] ?? config[key] ?? decoder[key] }
        func integer(_ key: String) -> Int? {
            // `eos_token_id` may be a list; its first is the one a caption ends with.
            let raw = value(key)
            return (raw as? Int) ?? (raw as? [Int])?.first
        }
        guard let end = integer("eos_token_id"), let start = integer("decoder_start_token_id") ?? integer("bos_token_id") else {
            throw VisageError(
                .modelLoadFailed, "\(folder.path)/config.json names no eos_token_id or decoder_start_token_id: not a captioner's config")
        }
        decoderStartTokenID = start
        endTokenID = end
        padTokenID = integer("pad_token_id")
        numBeams = integer("num_beams")
        noRepeatNgramSize = integer("no_repeat_ngram_size")
        repetitionPenalty = value("repetition_penalty") as? Double
        lengthPenalty = value("length_penalty") as? Double
        maxPositions = (decoder["n_positions"] as? Int) ?? 1024
    }

    private static func object(_ url: URL, required: Bool) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required { throw VisageError(.modelLoadFailed, "the captioner folder has no \(url.lastPathComponent)") }
            return [:]
        }
        guard let data = try? Data(contentsOf: url), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw VisageError(.modelLoadFailed, "\(url.path) is not a JSON object")
        }
        return object
    }
}
