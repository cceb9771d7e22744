import Foundation
import VisageCore
import VisageImaging
import VisageInference

/// An image captioner in the layout of Xenova/vit-gpt2-image-captioning (nlpconnect's ViT-GPT2
/// exported by Optimum for ONNX runtimes): `onnx/encoder_model.onnx` (`pixel_values` ->
/// `last_hidden_state`), `onnx/decoder_model_merged.onnx` (see `MergedDecoder`), `config.json`,
/// `generation_config.json`, `preprocessor_config.json` and `vocab.json` (or `tokenizer.json`).
///
/// Per image the encoder runs once; its output is repeated for each beam and fed to every
/// decoder step, whose key/value cache is carried from step to step and follows the beams.
public final class ImageCaptioner: Sendable {
    /// The folder's name (`vit-gpt2-image-captioning`): what `models_used` reports.
    public let name: String
    /// Generation settings from the folder's configs, with Visage's serving choices where they
    /// set none (see `init`).
    public let defaults: CaptionOptions
    let encoder: InferenceSession
    let decoder: MergedDecoder
    let processor: CaptionImageProcessor
    let tokens: GPT2TokenDecoder
    let config: CaptionFolderConfig

    public static let encoderFile = "onnx/encoder_model.onnx"
    public static let decoderFile = "onnx/decoder_model_merged.onnx"

    /// Loads `folder`. The defaults are the folder's `num_beams`, `no_repeat_ngram_size`,
    /// `repetition_penalty` and `length_penalty` where it sets them above "off"; where it does not
    /// (nlpconnect's sets none), 3 beams and no repeated trigram, since greedy GPT-2 captions
    /// repeat phrases ("a man in a suit and a man in a suit"); `max_length` 50, seed 001's.
    public init(folder: URL, runtime: OnnxRuntime, options: SessionOptions) throws {
        let encoderPath = folder.appendingPathComponent(Self.encoderFile).path
        let decoderPath = folder.appendingPathComponent(Self.decoderFile).path
        for path in [encoderPath, decoderPath] where !FileManager.default.fileExists(atPath: path) {
            throw VisageError(.modelLoadFailed, "\(folder.path) is not a captioner folder: missing \(path)")
        }
        config = try CaptionFolderConfig(folder: folder)
        processor = try CaptionImageProcessor(contentsOf: folder.appendingPathComponent("preprocessor_config.json"))
        let special = Set([config.endTokenID, config.decoderStartTokenID] + (config.padTokenID.map { [$0] } ?? []))
        tokens = try GPT2TokenDecoder.load(folder: folder, special: special)
        encoder = try InferenceSession(runtime: runtime, modelPath: encoderPath, options: options)
        guard encoder.inputs.map(\.name) == ["pixel_values"], encoder.outputs.contains(where: { $0.name == "last_hidden_state" }) else {
            throw VisageError(.modelMismatch, "\(encoderPath) does not take `pixel_values` and return `last_hidden_state`")
        }
        decoder = try MergedDecoder(
            session: try InferenceSession(runtime: runtime, modelPath: decoderPath, options: options), path: decoderPath)
        name = folder.lastPathComponent
        defaults = CaptionOptions(
            maxLength: 50, numBeams: (config.numBeams ?? 1) > 1 ? config.numBeams! : 3,
            noRepeatNgramSize: (config.noRepeatNgramSize ?? 0) > 0 ? config.noRepeatNgramSize! : 3,
            repetitionPenalty: config.repetitionPenalty ?? 1, lengthPenalty: config.lengthPenalty ?? 1)
    }

    /// Where the sessions run (`CPUExecutionProvider`, `CUDAExecutionProvider`).
    public var executionProvider: String { encoder.executionProvider }

    /// A caption of `image` with `options` (the defaults when nil).
    public func caption(_ image: RGBImage, options: CaptionOptions? = nil) throws -> Caption {
        let options = try (options ?? defaults).validated()
        guard options.maxLength < config.maxPositions else {
            throw VisageError(.invalidRequest, "max_length must be below the decoder's context of \(config.maxPositions) tokens")
        }
        let pixels = try processor.pixelValues(image)
        guard let states = try encoder.run(["pixel_values": pixels], outputNames: ["last_hidden_state"])["last_hidden_state"],
            states.shape.count == 3, states.shape[0] == 1
        else {
            throw VisageError(.inferenceFailed, "the caption encoder \(name) returned no last_hidden_state [1, patches, hidden]")
        }
        let search = BeamSearch(options: options, startToken: config.decoderStartTokenID, endToken: config.endTokenID)
        var cache: KeyValueCache?
        let best = try search.run { newest, parents in
            if let parents, let previous = cache { cache = try previous.selecting(rows: parents) }
            let step = try decoder.step(tokens: newest, encoderStates: try states.repeatingBatch(newest.count), cache: cache)
            cache = step.cache
            return step.logits
        }
        let text = tokens.decode(best.tokens).trimmingCharacters(in: .whitespacesAndNewlines)
        return Caption(text: text, tokenIDs: best.tokens, logProbability: best.logProbability)
    }

    /// The description and the model's name: what seed 000's `/images/caption` and `/analyze` report.
    public func describe(_ image: RGBImage) throws -> (description: String, modelName: String) {
        (try caption(image).text, name)
    }
}

extension Tensor {
    /// A batch of one repeated `count` times along the first dimension.
    func repeatingBatch(_ count: Int) throws -> Tensor {
        if count == 1 { return self }
        var data: [Float] = []
        data.reserveCapacity(self.data.count * count)
        for _ in 0..<count { data.append(contentsOf: self.data) }
        return try Tensor(shape: [count] + shape.dropFirst(), data: data)
    }
}
