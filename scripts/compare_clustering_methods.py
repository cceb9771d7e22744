#!/usr/bin/env python3
"""Other clustering methods on the people benchmark's faces (docs/CLUSTERING.md, "How the method
was chosen"): Chinese Whispers (dlib's) and approximate rank-order clustering (Otto, Wang and
Jain 2017), scored with BCubed like `visage bench-people`.

Usage (needs numpy):
  .build/release/visage bench-people --seed 1 --dump /tmp/seed1.jsonl
  scripts/compare_clustering_methods.py /tmp/seed1.jsonl [/tmp/seed2.jsonl ...]

Each dump line is one stored face (`--dump`). Every face of a set is clustered, faces of one
photo never together; only labelled faces are scored. The `cluster` column, Visage as answered,
is scored too for reference.
"""
import collections
import json
import sys

import numpy as np


def load(path, subset):
    rows = [r for r in map(json.loads, open(path)) if r["set"] == subset]
    embeddings = np.array([r["embedding"] for r in rows], dtype=np.float64)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    return embeddings, np.array([r["image"] for r in rows]), [r.get("identity") for r in rows], [r["cluster"] for r in rows]


def bcubed(labels, identities):
    scored = [(labels[i], t) for i, t in enumerate(identities) if t]
    per_label = collections.Counter(l for l, _ in scored)
    per_truth = collections.Counter(t for _, t in scored)
    both = collections.Counter(scored)
    precision = np.mean([both[p] / per_label[p[0]] for p in scored])
    recall = np.mean([both[p] / per_truth[p[1]] for p in scored])
    return precision, recall, 2 * precision * recall / (precision + recall)


def chinese_whispers(embeddings, images, threshold, iterations=100, seed=0):
    """dlib's method: an edge of weight 1 between faces at least `threshold` alike (and to
    itself); each face in turn takes the label with the most edges, never one another face of
    its photo holds."""
    n = len(embeddings)
    linked = (embeddings @ embeddings.T >= threshold) & ((images[:, None] != images[None, :]) | np.eye(n, dtype=bool))
    neighbours = [np.nonzero(linked[i])[0] for i in range(n)]
    same_photo = collections.defaultdict(list)
    for i, image in enumerate(images):
        same_photo[image].append(i)
    labels = np.arange(n)
    order = np.random.RandomState(seed)
    for _ in range(iterations):
        changed = False
        for i in order.permutation(n):
            weights = collections.Counter(labels[j] for j in neighbours[i])
            for j in same_photo[images[i]]:
                if j != i:
                    weights.pop(labels[j], None)
            if weights:
                best = max(weights.items(), key=lambda kv: (kv[1], -kv[0]))[0]
                if best != labels[i]:
                    labels[i], changed = best, True
        if not changed:
            break
    return list(labels)


def rank_order(embeddings, images, k, max_distance, min_similarity):
    """Approximate rank-order distance over each face's k nearest faces; pairs below
    `max_distance` (and at least `min_similarity` alike) are linked lowest distance first, never
    joining two faces of one photo."""
    n = len(embeddings)
    similarity = embeddings @ embeddings.T
    lists = [[i] + [j for j in np.argsort(-similarity[i], kind="stable") if j != i][: k - 1] for i in range(n)]
    rank = [{j: r for r, j in enumerate(lst)} for lst in lists]
    members = [set(lst) for lst in lists]
    pairs = []
    for a in range(n):
        for b in lists[a][1:]:
            if a < b or a not in rank[b]:
                o_ab, o_ba = rank[a].get(b, k), rank[b].get(a, k)
                d_ab = sum(x not in members[b] for x in lists[a][: o_ab + 1])
                d_ba = sum(x not in members[a] for x in lists[b][: o_ba + 1])
                distance = (d_ab + d_ba) / min(o_ab, o_ba)
                if distance < max_distance and similarity[a, b] >= min_similarity and images[a] != images[b]:
                    pairs.append((distance, -similarity[a, b], a, b))
    parent, photos = list(range(n)), [{image} for image in images]

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, _, a, b in sorted(pairs):
        ra, rb = root(a), root(b)
        if ra != rb and not photos[ra] & photos[rb]:
            parent[rb] = ra
            photos[ra] |= photos[rb]
    return [root(i) for i in range(n)]


METHODS = [("Visage as answered (dump)", None)]
METHODS += [(f"Chinese Whispers t={t:.2f}", lambda e, i, t=t: chinese_whispers(e, i, t)) for t in (0.40, 0.45, 0.50)]
METHODS += [
    (f"rank-order k={k} D<{d} cos>={c}", lambda e, i, k=k, d=d, c=c: rank_order(e, i, k, d, c))
    for k, d, c in ((20, 1.0, 0.3), (50, 1.0, 0.5), (10, 1.6, 0.45))
]

if __name__ == "__main__":
    for path in sys.argv[1:]:
        for subset in ("clean", "degraded"):
            embeddings, images, identities, answered = load(path, subset)
            print(f"{path} {subset}: {len(images)} faces")
            for name, method in METHODS:
                labels = answered if method is None else method(embeddings, images)
                print("  %-34s precision %.3f  recall %.3f  F1 %.3f" % ((name,) + bcubed(labels, identities)))
