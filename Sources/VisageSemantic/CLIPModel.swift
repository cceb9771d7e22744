import Foundation
import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// A CLIP model in the folder layout Immich publishes (e.g. `ViT-B-32__openai/`):
///
/// ```
/// visual/model.onnx            image -> embedding
/// visual/preprocess_cfg.json   size, mean, std, interpolation, resize_mode
/// textual/model.onnx           text -> embedding
/// textual/tokenizer.json ...   the Hugging Face tokenizer files (their merges are read)
/// ```
///
/// Immich's exporter (machine-learning/export, `openclip.py`) names the visual input `image`
/// (float [1, 3, size, size]) and the textual input `text` (int32 [1, 77]), both outputs
/// `embedding` ([1, D], already normalised by `encode_*(normalize=True)`), with a fixed batch of
/// one. The names are read from the sessions, not assumed: the single input of each model, and
/// the output called `embedding` or else the first. Text ids go in as int64 and are narrowed where
/// the model takes int32. Embeddings come out L2-normalised whatever the export did.
public final class CLIPModel: Sendable {
    /// The folder's name (`ViT-B-32__openai`): what embeddings are stored under.
    public let name: String
    public let folder: URL
    public let preprocessor: CLIPImagePreprocessor
    public let tokenizer: CLIPTokenizer
    /// Length of the embeddings.
    public let dimensions: Int
    /// "CUDAExecutionProvider" or "CPUExecutionProvider".
    public var executionProvider: String { visual.executionProvider }

    let visual: InferenceSession
    let textual: InferenceSession
    let imageInput: String, imageOutput: String
    let textInput: String, textOutput: String
    /// Token row length the text encoder takes (77 unless its input says otherwise).
    let contextLength: Int
    /// The id rows are padded with: `textual/tokenizer_config.json`'s `pad_token` where the
    /// folder has one (as Immich pads), else 0 (as OpenAI's `tokenize` pads).
    let padding: Int
    /// Whether each encoder takes a batch larger than one (Immich's exports do not).
    let visualBatches: Bool, textualBatches: Bool

    /// Loads `folder`'s encoders. The tokenizer is our CLIP BPE; pass it in, or leave it nil to
    /// read CLIP's vocabulary from the folder: `textual/bpe_simple_vocab_16e6.txt.gz`, else the
    /// merges of `textual/tokenizer.json` (checked against its vocabulary).
    public init(folder: URL, runtime: OnnxRuntime, options: SessionOptions, tokenizer: CLIPTokenizer? = nil) throws {
        let files = CLIPModelFiles(folder: folder)
        try files.requirePresent()
        self.folder = folder
        name = folder.lastPathComponent
        preprocessor = CLIPImagePreprocessor(config: try CLIPPreprocessConfig.load(contentsOf: files.preprocessConfig))
        if let tokenizer {
            self.tokenizer = tokenizer
        } else if FileManager.default.fileExists(atPath: files.vocabulary.path) {
            self.tokenizer = try CLIPTokenizer(vocabularyFile: files.vocabulary)
        } else if FileManager.default.fileExists(atPath: files.huggingFaceTokenizer.path) {
            self.tokenizer = try CLIPTokenizer(huggingFaceTokenizerFile: files.huggingFaceTokenizer)
        } else {
            throw VisageError(
                .modelLoadFailed,
                "the CLIP model \(folder.path) has neither textual/\(CLIPModelFiles.vocabularyName) nor textual/tokenizer.json")
        }
        if let token = try files.padToken() {
            guard let id = self.tokenizer.id(of: token) else {
                throw VisageError(.modelMismatch, "\(files.tokenizerConfig.path) pads with '\(token)', which CLIP's vocabulary lacks")
            }
            padding = id
        } else {
            padding = 0
        }
        visual = try InferenceSession(runtime: runtime, modelPath: files.visualModel.path, options: options)
        textual = try InferenceSession(runtime: runtime, modelPath: files.textualModel.path, options: options)

        guard visual.inputs.count == 1, let image = visual.inputs.first, image.elementType == .float, image.shape.count == 4 else {
            throw VisageError(.modelMismatch, "\(files.visualModel.path) does not take one float image [N, 3, H, W] (Immich's `image`)")
        }
        guard textual.inputs.count == 1, let text = textual.inputs.first, text.shape.count == 2,
            text.elementType == .int64 || text.elementType == .int32
        else {
            throw VisageError(.modelMismatch, "\(files.textualModel.path) does not take one integer token tensor [N, 77] (Immich's `text`)")
        }
        let visualOutput = visual.outputs.first { $0.name == "embedding" } ?? visual.outputs.first
        let textualOutput = textual.outputs.first { $0.name == "embedding" } ?? textual.outputs.first
        guard let visualOutput, let textualOutput else {
            throw VisageError(.modelMismatch, "the CLIP model \(folder.path) has an encoder without outputs")
        }
        imageInput = image.name
        textInput = text.name
        imageOutput = visualOutput.name
        textOutput = textualOutput.name
        if image.shape[2] > 0 && Int(image.shape[2]) != preprocessor.config.size {
            throw VisageError(
                .modelMismatch,
                "\(files.visualModel.path) takes \(image.shape[2])-pixel images but preprocess_cfg.json says \(preprocessor.config.size)")
        }
        contextLength = text.shape[1] > 0 ? Int(text.shape[1]) : CLIPTokenizer.contextLength
        visualBatches = image.shape[0] != 1
        textualBatches = text.shape[0] != 1
        let visualDimensions = visualOutput.shape.last.map(Int.init) ?? -1
        let textualDimensions = textualOutput.shape.last.map(Int.init) ?? -1
        if visualDimensions > 0 && textualDimensions > 0 && visualDimensions != textualDimensions {
            throw VisageError(
                .modelMismatch,
                "the CLIP model \(folder.path) has \(visualDimensions)-d image and \(textualDimensions)-d text embeddings")
        }
        if visualDimensions > 0 {
            dimensions = visualDimensions
        } else if textualDimensions > 0 {
            dimensions = textualDimensions
        } else {
            // Both dynamic: ask the model.
            let probe = try visual.run([image.name: try Tensor.zeros(shape: [1, 3, preprocessor.config.size, preprocessor.config.size])])
            dimensions = probe[visualOutput.name]?.data.count ?? 0
        }
    }

    /// The L2-normalised embedding of each image, in order.
    public func embed(images: [RGBImage]) throws -> [[Float]] {
        guard !images.isEmpty else { return [] }
        let groups = visualBatches ? [images[...]] : images.indices.map { images[$0...$0] }
        var vectors: [[Float]] = []
        for group in groups {
            let input = try preprocessor.batch(Array(group))
            let output = try visual.run([imageInput: input], outputNames: [imageOutput])
            vectors += try rows(output[imageOutput], count: group.count)
        }
        return vectors
    }

    /// The L2-normalised embedding of each text, in order.
    public func embed(texts: [String]) throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let groups = textualBatches ? [texts[...]] : texts.indices.map { texts[$0...$0] }
        var vectors: [[Float]] = []
        for group in groups {
            let ids = try tokenizer.tokenize(Array(group), contextLength: contextLength, padding: padding)
            let output = try textual.run(values: [textInput: .int64(ids)], outputNames: [textOutput])
            vectors += try rows(output[textOutput]?.floatTensor, count: group.count)
        }
        return vectors
    }

    private func rows(_ tensor: Tensor?, count: Int) throws -> [[Float]] {
        guard let tensor, count > 0, tensor.data.count == count * dimensions else {
            throw VisageError(
                .modelMismatch, "the CLIP model \(name) returned \(tensor?.shape ?? []) for \(count) inputs, not [\(count), \(dimensions)]")
        }
        return (0..<count).map { Self.normalized(Array(tensor.data[$0 * dimensions..<($0 + 1) * dimensions])) }
    }

    /// `vector / |vector|` (a zero vector stays zero).
    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}

/// Where the files of an Immich-layout CLIP folder are.
public struct CLIPModelFiles: Sendable {
    public static let vocabularyName = "bpe_simple_vocab_16e6.txt.gz"
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public var visualModel: URL { folder.appendingPathComponent("visual/model.onnx") }
    public var preprocessConfig: URL { folder.appendingPathComponent("visual/preprocess_cfg.json") }
    public var textualModel: URL { folder.appendingPathComponent("textual/model.onnx") }
    public var vocabulary: URL { folder.appendingPathComponent("textual/\(Self.vocabularyName)") }
    /// Hugging Face's tokenizer file, which Immich's folders carry; its merges are CLIP's.
    public var huggingFaceTokenizer: URL { folder.appendingPathComponent("textual/tokenizer.json") }

    /// Hugging Face's tokenizer settings, where Immich's exporter saved them.
    public var tokenizerConfig: URL { folder.appendingPathComponent("textual/tokenizer_config.json") }

    /// `pad_token` of `tokenizer_config.json` (a string, or an object with `content`), if any.
    func padToken() throws -> String? {
        guard let data = FileManager.default.contents(atPath: tokenizerConfig.path) else { return nil }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw VisageError(.modelLoadFailed, "\(tokenizerConfig.path) is not a JSON object")
        }
        if let token = object["pad_token"] as? String { return token }
        return (object["pad_token"] as? [String: Any])?["content"] as? String
    }

    /// `model_load_failed` naming every required file that is missing.
    func requirePresent() throws {
        let missing = [visualModel, preprocessConfig, textualModel].filter { !FileManager.default.fileExists(atPath: $0.path) }
        guard missing.isEmpty else {
            throw VisageError(
                .modelLoadFailed,
                "\(folder.path) is not an Immich-layout CLIP model folder: missing \(missing.map { $0.path.replacingOccurrences(of: folder.path + "/", with: "") }.joined(separator: ", "))"
            )
        }
    }
}
