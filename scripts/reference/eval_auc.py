#!/usr/bin/env python3
"""Same-vs-different person ROC AUC of the reference pipeline on faces_identity.

For every image listed in manifest.csv, take the largest detected face (by box
area; the labelled person is the main subject), embed it, and score every pair
of images by cosine similarity. AUC = probability that a random same-person
pair scores above a random different-person pair (Mann-Whitney U, ties 1/2).
Images with no face are reported and left out of the pairs.
"""

import argparse
import csv
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_pipeline as ref  # noqa: E402

DEFAULT_DATA = os.path.join(ref.REPO_ROOT, "..", "shared", "testdata", "faces_identity")


def read_manifest(data_dir):
    with open(os.path.join(data_dir, "manifest.csv"), newline="") as f:
        return [(row["path"], row["identity"]) for row in csv.DictReader(f)]


def largest_face_embeddings(data_dir, items, models, threads, jsonl):
    """{relative path: embedding of the largest face or None}. Either runs the
    pipeline or reuses a --embeddings JSONL dump of reference_pipeline.py."""
    if jsonl:
        recs = {}
        with open(jsonl) as f:
            for line in f:
                r = json.loads(line)
                recs[os.path.relpath(r["path"], data_dir)] = r
    else:
        det, emb = ref.load_models(models, threads)
        recs = {p: ref.process_image(os.path.join(data_dir, p), det, emb, True) for p, _ in items}
    out = {}
    for p, _ in items:
        faces = recs[p]["faces"]
        if not faces:
            out[p] = None
            continue
        big = max(faces, key=lambda f: f["bbox"][2] * f["bbox"][3])
        out[p] = np.asarray(big["embedding"], dtype=np.float64)
    return out


def roc_auc(pos, neg):
    """Mann-Whitney AUC with average ranks for ties."""
    scores = np.concatenate([pos, neg])
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    r_pos = ranks[: len(pos)].sum()
    return (r_pos - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))


def pair_scores(items, embs):
    same, diff = [], []
    kept = [(p, ident) for p, ident in items if embs[p] is not None]
    for a in range(len(kept)):
        for b in range(a + 1, len(kept)):
            s = float(embs[kept[a][0]] @ embs[kept[b][0]])
            (same if kept[a][1] == kept[b][1] else diff).append(s)
    return np.array(same), np.array(diff)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="faces_identity folder")
    ap.add_argument("--models", default=ref.DEFAULT_MODELS)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--jsonl", help="reuse output of reference_pipeline.py --embeddings")
    args = ap.parse_args()

    items = read_manifest(args.data)
    embs = largest_face_embeddings(args.data, items, args.models, args.threads, args.jsonl)
    no_face = [p for p, _ in items if embs[p] is None]
    same, diff = pair_scores(items, embs)
    print(f"manifest images: {len(items)}, with no face: {len(no_face)}")
    for p in no_face:
        print(f"  no face: {p}")
    print(f"pairs: {len(same)} same, {len(diff)} different")
    print(f"cosine same mean {same.mean():.3f}, different mean {diff.mean():.3f}")
    print(f"ROC AUC: {roc_auc(same, diff):.4f}")


if __name__ == "__main__":
    main()
