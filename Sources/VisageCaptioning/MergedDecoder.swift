import Foundation
import VisageCore
import VisageInference

/// GPT-2's decoder as Optimum exports it for a vision encoder-decoder (`decoder_model_merged.onnx`
/// of Xenova/vit-gpt2-image-captioning): `input_ids` int64 [batch, new tokens],
/// `encoder_hidden_states` float [batch, patches, hidden], `past_key_values.N.key|value` float
/// [batch, heads, past length, head size] and `use_cache_branch` bool [1] -> `logits` [batch, new
/// tokens, vocabulary] and `present.N.key|value` (the past with the new tokens appended).
///
/// GPT-2's export caches self-attention only: its cross-attention is recomputed from
/// `encoder_hidden_states` at every step, so the encoder's output is what is computed once per
/// image and handed to every step and beam.
struct MergedDecoder: Sendable {
    let session: InferenceSession
    let layers: Int
    let heads: Int
    let headSize: Int
    let vocabularySize: Int?
    private let pastNames: [String]
    private let presentNames: [String]

    init(session: InferenceSession, path: String) throws {
        let inputs = Dictionary(uniqueKeysWithValues: session.inputs.map { ($0.name, $0) })
        let outputs = Set(session.outputs.map(\.name))
        let layers = inputs.keys.filter { $0.hasPrefix("past_key_values.") && $0.hasSuffix(".key") }.count
        let pastNames = (0..<layers).flatMap { ["past_key_values.\($0).key", "past_key_values.\($0).value"] }
        let presentNames = (0..<layers).flatMap { ["present.\($0).key", "present.\($0).value"] }
        let expected = Set(["input_ids", "encoder_hidden_states", "use_cache_branch"] + pastNames)
        guard layers > 0, Set(inputs.keys) == expected, inputs["use_cache_branch"]?.elementType == .bool,
            [.int64, .int32].contains(inputs["input_ids"]?.elementType), outputs.isSuperset(of: ["logits"] + presentNames)
        else {
            throw VisageError(
                .modelMismatch,
                "\(path) is not a merged GPT-2 decoder with a key/value cache (input_ids, encoder_hidden_states, "
                    + "past_key_values.N.key/value, use_cache_branch -> logits, present.N.key/value); its inputs are "
                    + "\(session.inputs.map(\.name).sorted())")
        }
        let pastShape = inputs["past_key_values.0.key"]!.shape
        guard pastShape.count == 4, pastShape[1] > 0, pastShape[3] > 0 else {
            throw VisageError(.modelMismatch, "\(path): past_key_values.0.key is not [batch, heads, length, head size] with fixed heads")
        }
        self.session = session
        self.layers = layers
        heads = Int(pastShape[1])
        headSize = Int(pastShape[3])
        let width = session.outputs.first { $0.name == "logits" }!.shape.last ?? -1
        vocabularySize = width > 0 ? Int(width) : nil
        self.pastNames = pastNames
        self.presentNames = presentNames
    }

    /// One step for `tokens.count` sequences: each gets its newest token; `cache` holds their
    /// past (nil on the first step). Returns each sequence's next-token logits and the new cache.
    func step(tokens: [Int], encoderStates: Tensor, cache: KeyValueCache?) throws -> (logits: [[Float]], cache: KeyValueCache) {
        let batch = tokens.count
        var values: [String: TensorValue] = [
            "input_ids": .int64(try Int64Tensor(shape: [batch, 1], data: tokens.map(Int64.init))),
            "encoder_hidden_states": .float(encoderStates),
            // The first step takes the branch without a past; its past inputs are still required,
            // so they get one zero position, which that branch never reads (ORT refuses nothing
            // here, and Visage's binding refuses empty tensors).
            "use_cache_branch": .bool(.flag(cache != nil)),
        ]
        let past = try cache?.tensors ?? pastNames.map { _ in try Tensor.zeros(shape: [batch, heads, 1, headSize]) }
        for (name, tensor) in zip(pastNames, past) { values[name] = .float(tensor) }
        let outputs = try session.run(values: values, outputNames: ["logits"] + presentNames)
        guard let logits = outputs["logits"]?.floatTensor, logits.shape.count == 3, logits.shape[0] == batch, logits.shape[2] > 0 else {
            throw VisageError(.inferenceFailed, "the caption decoder returned no logits [\(batch), tokens, vocabulary]")
        }
        let width = logits.shape[2], last = (logits.shape[1] - 1) * width, rowSize = logits.shape[1] * width
        let rows = (0..<batch).map { Array(logits.data[($0 * rowSize + last)..<($0 * rowSize + last + width)]) }
        let present = try presentNames.map { name -> Tensor in
            guard let tensor = outputs[name]?.floatTensor, tensor.shape.count == 4, tensor.shape[0] == batch else {
                throw VisageError(.inferenceFailed, "the caption decoder returned no \(name) for \(batch) sequences")
            }
            return tensor
        }
        return (rows, KeyValueCache(tensors: present))
    }
}

/// The decoder's self-attention cache: `present.N.key|value` of the last step, one row of the
/// batch per live sequence, in layer order (key, value).
struct KeyValueCache: Sendable {
    let tensors: [Tensor]

    /// The cache for the sequences that continue: row `rows[i]` of each tensor becomes row `i`
    /// (beam search keeps a beam's parent's past, possibly twice).
    func selecting(rows: [Int]) throws -> KeyValueCache {
        KeyValueCache(
            tensors: try tensors.map { tensor in
                let rowSize = tensor.shape.dropFirst().reduce(1, *)
                var data: [Float] = []
                data.reserveCapacity(rowSize * rows.count)
                for row in rows { data.append(contentsOf: tensor.data[(row * rowSize)..<((row + 1) * rowSize)]) }
                return try Tensor(shape: [rows.count] + tensor.shape.dropFirst(), data: data)
            })
    }
}
