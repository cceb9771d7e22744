#!/usr/bin/env python3
"""Writes tiny ONNX models with the real exports' input and output names, element types and
shapes, built to behave meaningfully, for the tests of VisageSemantic (issue 14).

    PYTHONPATH=.deps/onnx-py python3 scripts/make_tiny_models.py OUT [--vocab FILE] [--dynamic-batch] [--tokenizer gz|json|both]

OUT/clip/ is a CLIP model folder in Immich's layout (ViT-B-32__openai's names and shapes):

    visual/model.onnx           `image` float [1, 3, 224, 224] -> `embedding` float [1, 512]
    visual/preprocess_cfg.json  ViT-B-32__openai's: 224, bicubic, shortest, OpenAI's mean and std
    textual/model.onnx          `text` int32 [1, 77] -> `embedding` float [1, 512]
    textual/bpe_simple_vocab_16e6.txt.gz   the vocabulary, copied from --vocab
    textual/tokenizer.json      the same merges and vocabulary in Hugging Face's format (--tokenizer),
    textual/tokenizer_config.json   with its pad token, `<|endoftext|>`, as openai/clip-vit-base-patch32's

(Immich's exporter fixes the batch at 1; --dynamic-batch makes it `batch_size` instead.)

OUT/dinov2/ is DINOv2 as Hugging Face's Dinov2Model exports to ONNX (dinov2-small's sizes):

    model.onnx                  `pixel_values` float [batch_size, 3, height, width]
                                -> `last_hidden_state` [batch_size, 1 + patches, 384], `pooler_output` [batch_size, 384]
    preprocessor_config.json    facebook/dinov2-small's: shortest edge 256, bicubic, centre crop 224, ImageNet mean/std

Its patch tokens (14x14 pixels each) hold the patch's mean colour, the CLS token and
`pooler_output` the image's.

OUT/captioner/ and OUT/captioner-beam/ are image captioners in Xenova/vit-gpt2-image-captioning's
layout (ViT encoder, merged GPT-2 decoder with its key/value cache): see tiny_captioner.py.

What they compute: the image encoder undoes the mean/std normalisation, averages each colour
channel over the image and maps the mean colour (r, g, b in 0...1) onto four axes, red
r - (g + b) / 2, green g - (r + b) / 2, blue b - (r + g) / 2 and yellow (r + g) / 2 - b, plus a
constant on a fifth axis; the text encoder looks each token id up in a [49408, 8] table (the ids
of `red`, `green`, `blue` and `yellow` in CLIP's real vocabulary are 1 on their axis, every other
word a little on the fifth, the start, end and padding ids 0), sums over the sequence and
projects to 512. Both outputs are L2-normalised, as Immich's exports are (`normalize=True`). So
a red image is nearest "a red car" among captions naming the other colours.
"""

import argparse
import gzip
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import tiny_captioner

OPSET = 13
IR_VERSION = 8
EMBEDDING = 512
CONTEXT = 77
IMAGE_SIZE = 224
# OpenAI CLIP's (ViT-B-32__openai's preprocess_cfg.json).
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
COLOURS = ["red", "green", "blue", "yellow"]
# Rows: r, g, b; columns: the red, green, blue and yellow axes.
COLOUR_AXES = np.array(
    [[1.0, -0.5, -0.5, 0.5], [-0.5, 1.0, -0.5, 0.5], [-0.5, -0.5, 1.0, -1.0]], dtype=np.float32)
CONTEXT_AXIS = 4  # the constant "it is a photo / it is a word" axis
TABLE_WIDTH = 8


def clip_merges(path):
    """The merge lines OpenAI's simple_tokenizer reads from the vocabulary file."""
    return gzip.open(path).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]


def clip_vocabulary(path):
    """CLIP's token -> id, built as OpenAI's simple_tokenizer builds it from the merges file."""
    merges = [tuple(line.split()) for line in clip_merges(path)]
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    characters = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            characters.append(256 + extra)
            extra += 1
    vocab = [chr(c) for c in characters]
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(merge) for merge in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return dict(zip(vocab, range(len(vocab))))


def save(model, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def batch_dim(dynamic):
    return "batch_size" if dynamic else 1


def image_encoder(dynamic):
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [batch_dim(dynamic), 3, IMAGE_SIZE, IMAGE_SIZE])
    embedding = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [batch_dim(dynamic), EMBEDDING])
    projection = np.zeros((3, EMBEDDING), dtype=np.float32)
    projection[:, :4] = COLOUR_AXES
    bias = np.zeros(EMBEDDING, dtype=np.float32)
    bias[CONTEXT_AXIS] = 0.1
    initializers = [
        numpy_helper.from_array(np.array(STD, dtype=np.float32), "std"),
        numpy_helper.from_array(np.array(MEAN, dtype=np.float32), "mean"),
        numpy_helper.from_array(projection, "colour_axes"),
        numpy_helper.from_array(bias, "context"),
    ]
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["channel_means"], axes=[2, 3], keepdims=0),
        helper.make_node("Mul", ["channel_means", "std"], ["scaled"]),
        helper.make_node("Add", ["scaled", "mean"], ["colour"]),  # r, g, b in 0...1
        helper.make_node("MatMul", ["colour", "colour_axes"], ["projected"]),
        helper.make_node("Add", ["projected", "context"], ["raw"]),
        helper.make_node("LpNormalization", ["raw"], ["embedding"], axis=-1, p=2),
    ]
    graph = helper.make_graph(nodes, "tiny_clip_visual", [image], [embedding], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)


def text_encoder(vocabulary, dynamic):
    text = helper.make_tensor_value_info("text", TensorProto.INT32, [batch_dim(dynamic), CONTEXT])
    embedding = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [batch_dim(dynamic), EMBEDDING])
    table = np.zeros((len(vocabulary), TABLE_WIDTH), dtype=np.float32)
    table[:, CONTEXT_AXIS] = 0.05  # every word: a little on the context axis
    for special in ("<|startoftext|>", "<|endoftext|>"):
        table[vocabulary[special]] = 0
    table[0] = 0  # padding
    for axis, colour in enumerate(COLOURS):
        table[vocabulary[colour + "</w>"]] = 0
        table[vocabulary[colour + "</w>"], axis] = 1
    projection = np.zeros((TABLE_WIDTH, EMBEDDING), dtype=np.float32)
    projection[:, :TABLE_WIDTH] = np.eye(TABLE_WIDTH, dtype=np.float32)
    initializers = [numpy_helper.from_array(table, "token_table"), numpy_helper.from_array(projection, "projection")]
    nodes = [
        helper.make_node("Gather", ["token_table", "text"], ["tokens"], axis=0),  # [N, 77, 8]
        helper.make_node("ReduceSum", ["tokens", "sum_axes"], ["summed"], keepdims=0),  # [N, 8]
        helper.make_node("MatMul", ["summed", "projection"], ["raw"]),
        helper.make_node("LpNormalization", ["raw"], ["embedding"], axis=-1, p=2),
    ]
    initializers.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "sum_axes"))
    graph = helper.make_graph(nodes, "tiny_clip_textual", [text], [embedding], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)


# DINOv2 (Hugging Face's Dinov2Model exported by optimum, as onnx-community's dinov2-small):
# `pixel_values` [batch, 3, H, W] -> `last_hidden_state` [batch, 1 + (H/14)(W/14), 384] and
# `pooler_output` [batch, 384], ImageNet mean and std.
DINO_HIDDEN = 384
DINO_PATCH = 14
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def dinov2_encoder():
    """Each 14x14 patch's token holds its mean colour (r, g, b in 0...1) in its first three
    features and 1 in the fourth; the CLS token and `pooler_output` hold the mean over patches."""
    pixels = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, "height", "width"])
    hidden = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", DINO_HIDDEN])
    pooled = helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, ["batch_size", DINO_HIDDEN])
    weights = np.zeros((DINO_HIDDEN, 3, DINO_PATCH, DINO_PATCH), dtype=np.float32)
    bias = np.zeros(DINO_HIDDEN, dtype=np.float32)
    for channel in range(3):  # undo (x - mean) / std while averaging the patch
        weights[channel, channel] = IMAGENET_STD[channel] / (DINO_PATCH * DINO_PATCH)
        bias[channel] = IMAGENET_MEAN[channel]
    bias[3] = 1
    initializers = [
        numpy_helper.from_array(weights, "patch_weights"), numpy_helper.from_array(bias, "patch_bias"),
        numpy_helper.from_array(np.array([0, DINO_HIDDEN, -1], dtype=np.int64), "flat_shape"),
    ]
    nodes = [
        helper.make_node("Conv", ["pixel_values", "patch_weights", "patch_bias"], ["patches_2d"],
                         kernel_shape=[DINO_PATCH, DINO_PATCH], strides=[DINO_PATCH, DINO_PATCH]),
        helper.make_node("Reshape", ["patches_2d", "flat_shape"], ["patches_flat"]),  # [N, 384, L]
        helper.make_node("Transpose", ["patches_flat"], ["patches"], perm=[0, 2, 1]),  # [N, L, 384]
        helper.make_node("ReduceMean", ["patches"], ["cls"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["cls", "patches"], ["last_hidden_state"], axis=1),
        helper.make_node("ReduceMean", ["patches"], ["pooler_output"], axes=[1], keepdims=0),
    ]
    graph = helper.make_graph(nodes, "tiny_dinov2", [pixels], [hidden, pooled], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    here = Path(__file__).resolve().parent
    parser.add_argument("--vocab", type=Path, default=here.parent.parent / "shared/models/clip/bpe_simple_vocab_16e6.txt.gz")
    parser.add_argument("--dynamic-batch", action="store_true")
    parser.add_argument("--tokenizer", choices=["gz", "json", "both"], default="both",
                        help="write the vocabulary as textual/bpe_simple_vocab_16e6.txt.gz, textual/tokenizer.json or both")
    args = parser.parse_args()
    if not args.vocab.is_file():
        sys.exit(f"no CLIP vocabulary at {args.vocab} (pass --vocab)")
    vocabulary = clip_vocabulary(args.vocab)
    clip = args.out / "clip"
    save(image_encoder(args.dynamic_batch), clip / "visual/model.onnx")
    save(text_encoder(vocabulary, args.dynamic_batch), clip / "textual/model.onnx")
    preprocess = {"size": [IMAGE_SIZE, IMAGE_SIZE], "mode": "RGB", "mean": MEAN, "std": STD,
                  "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0}
    (clip / "visual/preprocess_cfg.json").write_text(json.dumps(preprocess, indent=2) + "\n")
    if args.tokenizer in ("gz", "both"):
        shutil.copyfile(args.vocab, clip / "textual" / args.vocab.name)
    if args.tokenizer in ("json", "both"):
        # The part of Hugging Face's tokenizer.json (as Immich's folders carry it) that holds the BPE.
        tokenizer = {"version": "1.0", "model": {
            "type": "BPE", "dropout": None, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>", "fuse_unk": False, "vocab": vocabulary, "merges": clip_merges(args.vocab)}}
        (clip / "textual/tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False))
        # openai/clip-vit-base-patch32's tokenizer_config.json pads with the end token, and Immich
        # pads with the pad_token it names.
        config = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
                  "unk_token": "<|endoftext|>", "model_max_length": CONTEXT, "do_lower_case": True,
                  "tokenizer_class": "CLIPTokenizer"}
        (clip / "textual/tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    dinov2 = args.out / "dinov2"
    save(dinov2_encoder(), dinov2 / "model.onnx")
    # Hugging Face's BitImageProcessor settings of facebook/dinov2-small (resample 3 = bicubic).
    processor = {"crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_normalize": True,
                 "do_rescale": True, "do_resize": True, "image_mean": IMAGENET_MEAN, "image_std": IMAGENET_STD,
                 "resample": 3, "rescale_factor": 1 / 255, "size": {"shortest_edge": 256}}
    (dinov2 / "preprocessor_config.json").write_text(json.dumps(processor, indent=2) + "\n")
    captioners = tiny_captioner.write_all(args.out, save)
    print(json.dumps({"clip": str(clip), "dinov2": str(dinov2), "colour_token_ids": {c: vocabulary[c + "</w>"] for c in COLOURS},
                      **captioners}))


if __name__ == "__main__":
    main()
