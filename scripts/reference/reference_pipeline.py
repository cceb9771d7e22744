#!/usr/bin/env python3
"""Independent reference face pipeline for Visage (the "lite" model pack).

Why this exists:
  1. It produces golden fixtures (boxes, landmarks, embeddings) that the Swift
     pipeline's output is compared against, so both sides must follow the same
     preprocessing contract. That contract is spelled out in the functions below;
     change it only together with the Swift side.
  2. It is the baseline of the throughput benchmark (--bench).

Pipeline: cv2.imread (applies EXIF orientation) -> YuNet 2023mar detector on a
640x640 top-left letterbox -> 5-point similarity alignment to the ArcFace
112x112 template -> PaddleX MobileFaceNet (128-d, BGR input) -> L2 normalise.

Output: one JSON object per image per line on stdout.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import cv2
import numpy as np
import onnxruntime as ort

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_MODELS = os.path.join(REPO_ROOT, "..", "shared", "models")

DETECTOR_FILE = "face_detector/face_detection_yunet_2023mar.onnx"
EMBEDDER_FILE = "face_recognition/MobileFaceNet_paddlex_128d.onnx"

DET_SIZE = 640
DET_STRIDES = (8, 16, 32)
SCORE_THRESHOLD = 0.6
NMS_IOU = 0.3

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp")

# Landmark names in the order YuNet emits them. YuNet's first point is the
# subject's right eye, i.e. the eye on the *image's* left; we name points by
# image side, which is also the order of the ArcFace template below.
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "left_mouth", "right_mouth")

# Standard ArcFace 112x112 destination points (same order as LANDMARK_NAMES).
ARCFACE_TEMPLATE = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float64,
)
ALIGN_SIZE = 112


# --------------------------------------------------------------------------
# Model loading
# --------------------------------------------------------------------------

def make_session(path, threads):
    """CPU ORT session. inter_op=1 because the graphs are sequential; intra_op
    is the knob the benchmark compares against the Swift side."""
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


# --------------------------------------------------------------------------
# Detection (YuNet)
# --------------------------------------------------------------------------

def round_half_up(x):
    """Round .5 away from zero (x >= 0 here). Python's round() is banker's
    rounding; Swift's .rounded() is schoolbook, so use the schoolbook one."""
    return int(math.floor(x + 0.5))


def letterbox(img):
    """CONTRACT: scale = min(640/w, 640/h) (small images are upscaled too),
    resized to (round(w*s), round(h*s)) with INTER_AREA when shrinking, else
    INTER_LINEAR, placed at the top-left of a zero 640x640 canvas. Returns the
    NCHW float32 BGR tensor (0..255, not normalised) and the scale."""
    h, w = img.shape[:2]
    scale = min(DET_SIZE / w, DET_SIZE / h)
    nw = min(DET_SIZE, max(1, round_half_up(w * scale)))
    nh = min(DET_SIZE, max(1, round_half_up(h * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(img, (nw, nh), interpolation=interp)
    canvas = np.zeros((DET_SIZE, DET_SIZE, 3), dtype=np.uint8)
    canvas[:nh, :nw] = resized
    blob = canvas.astype(np.float32).transpose(2, 0, 1)[None]
    return np.ascontiguousarray(blob), scale


def decode_stride(outs, stride):
    """Decode one stride level of YuNet into (scores, boxes xywh, kps [N,5,2])
    in 640x640 letterbox coordinates. Anchors are a row-major grid of
    (640/stride)^2 cells, one anchor per cell."""
    cls = np.clip(outs[f"cls_{stride}"][0, :, 0], 0.0, 1.0)
    obj = np.clip(outs[f"obj_{stride}"][0, :, 0], 0.0, 1.0)
    scores = np.sqrt(cls * obj)
    keep = np.nonzero(scores >= SCORE_THRESHOLD)[0]
    if keep.size == 0:
        return np.zeros(0), np.zeros((0, 4)), np.zeros((0, 5, 2))
    cells = DET_SIZE // stride
    col = (keep % cells).astype(np.float64)
    row = (keep // cells).astype(np.float64)
    bb = outs[f"bbox_{stride}"][0, keep].astype(np.float64)
    cx = (col + bb[:, 0]) * stride
    cy = (row + bb[:, 1]) * stride
    bw = np.exp(bb[:, 2]) * stride
    bh = np.exp(bb[:, 3]) * stride
    boxes = np.stack([cx - bw / 2, cy - bh / 2, bw, bh], axis=1)
    kp = outs[f"kps_{stride}"][0, keep].astype(np.float64).reshape(-1, 5, 2)
    kps = (kp + np.stack([col, row], axis=1)[:, None, :]) * stride
    return scores[keep].astype(np.float64), boxes, kps


def iou_one_to_many(box, boxes):
    """IoU of box [x,y,w,h] with boxes [N,4]; continuous areas (no +1)."""
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[0] + box[2], boxes[:, 0] + boxes[:, 2])
    y2 = np.minimum(box[1] + box[3], boxes[:, 1] + boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    union = box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def greedy_nms(scores, boxes):
    """Greedy NMS: highest score first (ties: earlier candidate, i.e. stride
    8 before 16 before 32, then grid order), drop anything with IoU > 0.3."""
    order = np.argsort(-scores, kind="stable")
    kept = []
    while order.size:
        i = order[0]
        kept.append(i)
        rest = order[1:]
        order = rest[iou_one_to_many(boxes[i], boxes[rest]) <= NMS_IOU]
    return kept


def detect(session, img):
    """Faces in original-image pixels, sorted by confidence (descending)."""
    blob, scale = letterbox(img)
    names = [o.name for o in session.get_outputs()]
    outs = dict(zip(names, session.run(names, {"input": blob})))
    parts = [decode_stride(outs, s) for s in DET_STRIDES]
    scores = np.concatenate([p[0] for p in parts])
    boxes = np.concatenate([p[1] for p in parts])
    kps = np.concatenate([p[2] for p in parts])
    faces = []
    for i in greedy_nms(scores, boxes):
        # The letterbox sits at the top-left with no offset, so mapping back
        # is a pure division by the scale. Boxes are not clipped to the image.
        faces.append({
            "bbox": (boxes[i] / scale).tolist(),
            "confidence": float(scores[i]),
            "kps": kps[i] / scale,
        })
    return faces


# --------------------------------------------------------------------------
# Alignment + embedding
# --------------------------------------------------------------------------

def umeyama_similarity(src, dst):
    """Least-squares similarity transform (rotation, uniform scale,
    translation; reflection excluded) mapping src [N,2] onto dst [N,2]
    (Umeyama 1991). Returns the 2x3 matrix for cv2.warpAffine."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    sc, dc = src - mu_s, dst - mu_d
    cov = dc.T @ sc / len(src)
    u, sig, vt = np.linalg.svd(cov)
    d = np.ones(2)
    # Force det(R) = +1 so a mirrored landmark set never yields a reflection.
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[1] = -1.0
    rot = u @ np.diag(d) @ vt
    var_s = (sc ** 2).sum() / len(src)
    s = (sig * d).sum() / var_s
    t = mu_d - s * rot @ mu_s
    return np.hstack([s * rot, t[:, None]])


def align(img, kps):
    """112x112 BGR crop aligned to the ArcFace template."""
    m = umeyama_similarity(kps, ARCFACE_TEMPLATE)
    return cv2.warpAffine(img, m, (ALIGN_SIZE, ALIGN_SIZE), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def embed(session, crops):
    """One batch for all faces of an image. PaddleX MobileFaceNet wants BGR,
    (x - 127.5) / 128, NCHW; outputs are L2-normalised for cosine similarity."""
    if not crops:
        return np.zeros((0, 128), dtype=np.float32)
    batch = (np.stack(crops).astype(np.float32) - 127.5) / 128.0
    batch = np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
    out = session.run(None, {"x": batch})[0].astype(np.float64)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def process_image(path, det, emb, with_embeddings, compute_embeddings=None):
    """Decode, detect, optionally embed; returns the JSON-ready record.
    compute_embeddings (default: with_embeddings) runs the embedder without
    emitting vectors, so --bench always times the full pipeline."""
    if compute_embeddings is None:
        compute_embeddings = with_embeddings
    # IMREAD_COLOR applies the EXIF orientation, so all coordinates are in
    # displayed pixels; grey/alpha/16-bit inputs become 8-bit BGR.
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        return {"path": path, "error": "decode failed", "faces": []}
    h, w = img.shape[:2]
    faces = detect(det, img)
    vecs = embed(emb, [align(img, f["kps"]) for f in faces]) if compute_embeddings else None
    out_faces = []
    for i, f in enumerate(faces):
        rec = {
            "bbox": f["bbox"],
            "confidence": f["confidence"],
            "landmarks": {n: f["kps"][k].tolist() for k, n in enumerate(LANDMARK_NAMES)},
        }
        if with_embeddings:
            rec["embedding"] = vecs[i].tolist()
        out_faces.append(rec)
    return {"path": path, "width": w, "height": h, "faces": out_faces}


def expand_paths(paths):
    """Files as given; folders recursed (sorted, so runs are reproducible)."""
    result = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(IMAGE_EXTS):
                        result.append(os.path.join(root, name))
        else:
            result.append(p)
    return result


def load_models(models_dir, threads):
    det = make_session(os.path.join(models_dir, DETECTOR_FILE), threads)
    emb = make_session(os.path.join(models_dir, EMBEDDER_FILE), threads)
    return det, emb


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", help="image files or folders (recursed)")
    ap.add_argument("--models", default=DEFAULT_MODELS,
                    help="model dir laid out like shared/models (default: %(default)s)")
    ap.add_argument("--embeddings", action="store_true", help="include 128-d embeddings")
    ap.add_argument("--threads", type=int, default=0,
                    help="ORT intra-op threads and cv2 threads (0 = library default)")
    ap.add_argument("--bench", action="store_true", help="print throughput line to stderr")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        cv2.setNumThreads(args.threads)
    det, emb = load_models(args.models, args.threads)
    paths = expand_paths(args.paths)
    n_faces = 0
    start = time.perf_counter()  # model loading excluded on purpose
    for path in paths:
        rec = process_image(path, det, emb, args.embeddings, args.embeddings or args.bench)
        n_faces += len(rec["faces"])
        sys.stdout.write(json.dumps(rec) + "\n")
    elapsed = time.perf_counter() - start
    if args.bench:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
        rate = len(paths) / elapsed if elapsed > 0 else 0.0
        print(f"reference: {len(paths)} images, {n_faces} faces, {rate:.2f} images/s, "
              f"peak_rss_mb {peak_mb:.0f}", file=sys.stderr)


if __name__ == "__main__":
    main()
