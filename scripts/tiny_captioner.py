"""Tiny image captioners in the layout of Xenova/vit-gpt2-image-captioning (a ViT encoder and a
GPT-2 decoder exported by Optimum, merged decoder with its key/value cache), written by
make_tiny_models.py for the tests of VisageCaptioning.

    onnx/encoder_model.onnx         `pixel_values` float [batch_size, 3, 224, 224]
                                    -> `last_hidden_state` float [batch_size, encoder_sequence_length, hidden]
    onnx/decoder_model_merged.onnx  `input_ids` int64 [batch_size, decoder_sequence_length],
                                    `encoder_hidden_states` float [batch_size, encoder_sequence_length, hidden],
                                    `past_key_values.N.key|value` float [batch_size, heads, past_decoder_sequence_length, head_size],
                                    `use_cache_branch` bool [1]
                                    -> `logits` float [batch_size, decoder_sequence_length, vocabulary],
                                       `present.N.key|value` float [batch_size, heads, present length, head_size]
    config.json, generation_config.json, preprocessor_config.json, vocab.json

The real model has 12 layers of 12 heads of 64 and GPT-2's 50,257 tokens; these have 2 layers of
2 heads of 4 and a vocabulary of their own (its size is the logits' width, and `vocab.json`
says which token each id is): GPT-2's 256 byte tokens at GPT-2's ids (so 220 is `Ġ`, a space),
GPT-2's `Ġt` (256) and `Ġa` (257), a few words, and `<|endoftext|>` last, which is the decoder
start, end and padding token as in the real config.

What the decoder computes: the logits of each position are a table row chosen by the position in
the whole sequence (the cached length, when `use_cache_branch` is true, plus the new token's
index), mixed by the image's dominant colour (a softmax over the encoder's mean r, g, b), plus a
row chosen by the input token (a bigram table). `present` is `past` with the new tokens appended
(the past is dropped when `use_cache_branch` is false). So a generation loop that does not carry
the cache, or sets the flag wrongly, reads the wrong positions and spells the wrong caption.

`captioner/` spells "a red square" (green, blue) from the position table; `captioner-beam/` is
built so that greedy search and beam search disagree: its first token is " red" (p 0.5) or
" blue" (0.4); after " red" the end comes with p 0.25 and every other token is rarer, after
" blue" comes " square" (0.99) then the end (0.99). Greedy says "red" (p 0.125), a beam of two
"blue square" (p 0.39).
"""

import json

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8
LAYERS, HEADS, HEAD_SIZE = 2, 2, 4
POSITIONS = 32  # positions past the table read its last row
MEAN = STD = [0.5, 0.5, 0.5]  # ViTImageProcessor's, as nlpconnect/vit-gpt2-image-captioning's
WORDS = ["Ġred", "Ġgreen", "Ġblue", "Ġsquare", "Ġof", "Ġcolour", "ĠcafÃ©"]
COLOURS = ["Ġred", "Ġgreen", "Ġblue"]


def gpt2_byte_tokens():
    """GPT-2's 256 byte tokens in the order of its vocabulary (ids 0 to 255): the printable bytes
    as themselves, the others shifted to U+0100 onwards, as GPT-2's bytes_to_unicode does."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    tokens = [chr(b) for b in printable]
    shifted = 0
    for byte in range(256):
        if byte not in printable:
            tokens.append(chr(256 + shifted))
            shifted += 1
    return tokens


def vocabulary():
    tokens = gpt2_byte_tokens() + ["Ġt", "Ġa"] + WORDS + ["<|endoftext|>"]
    return {token: index for index, token in enumerate(tokens)}


def log_row(size, probabilities):
    """Log-probabilities over `size` tokens: `probabilities` (id -> p), the rest shared out."""
    rest = (1 - sum(probabilities.values())) / (size - len(probabilities))
    row = np.full(size, np.log(rest), dtype=np.float32)
    for token, p in probabilities.items():
        row[token] = np.log(p)
    return row


def colour_tables(vocab):
    """Position table [POSITIONS, 3, V]: "a", the colour, " square", then the end."""
    size = len(vocab)
    end = vocab["<|endoftext|>"]
    positions = np.tile(log_row(size, {end: 0.98}), (POSITIONS, 3, 1))
    for colour_index, colour in enumerate(COLOURS):
        positions[0, colour_index] = log_row(size, {vocab["a"]: 0.98})
        positions[1, colour_index] = log_row(size, {vocab[colour]: 0.9, vocab["Ġsquare"]: 0.05})
        positions[2, colour_index] = log_row(size, {vocab["Ġsquare"]: 0.9, vocab[colour]: 0.05})
    return positions, np.zeros((size, size), dtype=np.float32)


def beam_tables(vocab):
    """Greedy and beam search disagree: see the module's description."""
    size = len(vocab)
    end, red, blue, square = (vocab[t] for t in ("<|endoftext|>", "Ġred", "Ġblue", "Ġsquare"))
    positions = np.zeros((POSITIONS, 3, size), dtype=np.float32)
    positions[0, :] = log_row(size, {red: 0.5, blue: 0.4})
    bigrams = np.tile(log_row(size, {end: 0.99}), (size, 1))
    bigrams[red] = log_row(size, {end: 0.25})
    bigrams[blue] = log_row(size, {square: 0.99})
    bigrams[end] = 0  # the start token: position 0's row alone decides
    return positions, bigrams


def encoder():
    pixels = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 224, 224])
    hidden = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", "encoder_sequence_length", 3])
    nodes = [
        helper.make_node("ReduceMean", ["pixel_values"], ["means"], axes=[2, 3], keepdims=0),  # [N, 3], in -1...1
        helper.make_node("Unsqueeze", ["means", "one"], ["last_hidden_state"]),  # [N, 1, 3]
    ]
    initializers = [numpy_helper.from_array(np.array([1], dtype=np.int64), "one")]
    graph = helper.make_graph(nodes, "tiny_vit_encoder", [pixels], [hidden], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)


def decoder(positions, bigrams):
    size = bigrams.shape[0]
    past_shape = ["batch_size", HEADS, "past_decoder_sequence_length", HEAD_SIZE]
    present_shape = ["batch_size", HEADS, "past_decoder_sequence_length + 1", HEAD_SIZE]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "decoder_sequence_length"]),
        helper.make_tensor_value_info("encoder_hidden_states", TensorProto.FLOAT, ["batch_size", "encoder_sequence_length", 3]),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "decoder_sequence_length", size])]
    for layer in range(LAYERS):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{layer}.{kind}", TensorProto.FLOAT, past_shape))
            outputs.append(helper.make_tensor_value_info(f"present.{layer}.{kind}", TensorProto.FLOAT, present_shape))
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))

    def constant(name, values, dtype=np.int64):
        return numpy_helper.from_array(np.array(values, dtype=dtype), name)

    initializers = [
        numpy_helper.from_array(positions, "position_table"), numpy_helper.from_array(bigrams, "bigram_table"),
        constant("two", [2]), constant("one", [1]), constant("zero", 0), constant("step", 1),
        constant("last_position", POSITIONS - 1), constant("sharpness", 10.0, np.float32),
        constant("head_shape", [1, HEADS, 1, HEAD_SIZE]), constant("to_end", [np.iinfo(np.int64).max]),
        constant("colour_axes", [1, 2]), constant("squeeze_axis", [2]), constant("flag_one", [1]),
    ]
    nodes = [
        # Where the new tokens sit: after the cache when the cache branch is taken.
        helper.make_node("Cast", ["use_cache_branch"], ["flag"], to=TensorProto.INT64),
        helper.make_node("Shape", ["past_key_values.0.key"], ["past_shape"]),
        helper.make_node("Gather", ["past_shape", "two"], ["past_length"], axis=0),  # [1]
        helper.make_node("Mul", ["past_length", "flag"], ["offset"]),
        helper.make_node("Shape", ["input_ids"], ["ids_shape"]),
        helper.make_node("Gather", ["ids_shape", "one"], ["new_length"], axis=0),
        helper.make_node("Add", ["offset", "new_length"], ["end"]),
        helper.make_node("Squeeze", ["offset"], ["offset_scalar"]),
        helper.make_node("Squeeze", ["end"], ["end_scalar"]),
        helper.make_node("Range", ["offset_scalar", "end_scalar", "step"], ["raw_positions"]),
        helper.make_node("Min", ["raw_positions", "last_position"], ["positions"]),
        helper.make_node("Gather", ["position_table", "positions"], ["rows"], axis=0),  # [S, 3, V]
        # The dominant colour: a sharp softmax over the mean r, g, b the encoder found.
        helper.make_node("ReduceMean", ["encoder_hidden_states"], ["colour"], axes=[1], keepdims=0),  # [N, 3]
        helper.make_node("Mul", ["colour", "sharpness"], ["sharpened"]),
        helper.make_node("Softmax", ["sharpened"], ["weights"], axis=-1),
        helper.make_node("Unsqueeze", ["weights", "colour_axes"], ["weights_4d"]),  # [N, 1, 1, 3]
        helper.make_node("MatMul", ["weights_4d", "rows"], ["mixed"]),  # [N, S, 1, V]
        helper.make_node("Squeeze", ["mixed", "squeeze_axis"], ["position_logits"]),
        helper.make_node("Gather", ["bigram_table", "input_ids"], ["bigram_logits"], axis=0),  # [N, S, V]
        helper.make_node("Add", ["position_logits", "bigram_logits"], ["logits"]),
        # The cache: each new token's id, spread over the heads; the past dropped without the flag.
        helper.make_node("Cast", ["input_ids"], ["ids_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_float", "flag_one"], ["ids_3d"]),
        helper.make_node("Unsqueeze", ["ids_3d", "to_last"], ["ids_4d"]),  # [N, 1, S, 1]
        helper.make_node("Expand", ["ids_4d", "head_shape"], ["new_entries"]),  # [N, H, S, D]
        helper.make_node("Sub", ["one", "flag"], ["no_flag"]),
        helper.make_node("Mul", ["past_length", "no_flag"], ["dropped"]),
    ]
    initializers.append(constant("to_last", [3]))
    for layer in range(LAYERS):
        for kind in ("key", "value"):
            past, present = f"past_key_values.{layer}.{kind}", f"present.{layer}.{kind}"
            nodes += [
                helper.make_node("Concat", [past, "new_entries"], [f"{present}.all"], axis=2),
                helper.make_node("Slice", [f"{present}.all", "dropped", "to_end", "two"], [present]),
            ]
    graph = helper.make_graph(nodes, "tiny_gpt2_merged_decoder", inputs, outputs, initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)


def write(folder, tables, save):
    vocab = vocabulary()
    positions, bigrams = tables(vocab)
    save(encoder(), folder / "onnx/encoder_model.onnx")
    save(decoder(positions, bigrams), folder / "onnx/decoder_model_merged.onnx")
    end = vocab["<|endoftext|>"]
    # The keys the real config.json carries that Visage reads (nlpconnect/vit-gpt2-image-captioning's).
    config = {"architectures": ["VisionEncoderDecoderModel"], "model_type": "vision-encoder-decoder",
              "decoder_start_token_id": end, "eos_token_id": end, "pad_token_id": end, "bos_token_id": end,
              "decoder": {"model_type": "gpt2", "n_layer": LAYERS, "n_head": HEADS, "n_embd": HEADS * HEAD_SIZE,
                          "vocab_size": len(vocab), "n_positions": 1024}}
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    generation = {"decoder_start_token_id": end, "eos_token_id": end, "pad_token_id": end, "bos_token_id": end}
    (folder / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")
    # ViTImageProcessor's settings as nlpconnect/vit-gpt2-image-captioning publishes them (resample 2 = bilinear).
    processor = {"do_normalize": True, "do_resize": True, "do_rescale": True, "image_mean": MEAN, "image_std": STD,
                 "resample": 2, "rescale_factor": 1 / 255, "size": {"height": 224, "width": 224},
                 "image_processor_type": "ViTImageProcessor"}
    (folder / "preprocessor_config.json").write_text(json.dumps(processor, indent=2) + "\n")
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    return {"folder": str(folder), "vocabulary_size": len(vocab), "end_token_id": end}


def write_all(out, save):
    return {"captioner": write(out / "captioner", colour_tables, save),
            "captioner_beam": write(out / "captioner-beam", beam_tables, save)}
