#!/usr/bin/env python3
"""Benchmark `POST /extract-faces` (seed 004) of `visage serve`: throughput of a 20-image batch.

Starts `visage serve` on a fresh data directory (as bench_recognize.py does), takes the first
--batch images under a folder, sends them as base64, and times:

- baseline: the same images as single-image requests, one after another;
- batch: all of them in one request (the server loads and analyses them concurrently),
  --repeats times, reporting the median.

Prints images/s for each and the batch's ratio to the baseline of the same run, plus the faces
detected and kept. Asserts nothing; the exit status is 0 unless the server could not be run.

Usage: scripts/bench_extract.py [--visage BIN] [--images DIR] [--batch N] [--repeats R] [--port P]
Needs: a release build and an installed model pack (VISAGE_MODEL_DIR is passed through).
"""
import argparse
import base64
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request

from bench_recognize import Server, find_images, free_port


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visage", default=".build/release/visage", help="the visage binary")
    parser.add_argument("--images", default="../shared/testdata/faces_identity",
                        help="folder searched recursively for jpg/jpeg/png (default: ../shared/testdata/faces_identity)")
    parser.add_argument("--batch", type=int, default=20, help="images per batch (default: 20)")
    parser.add_argument("--repeats", type=int, default=3, help="timed batch requests; the median is reported (default: 3)")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--timeout", type=float, default=600, help="per-request timeout in seconds (default: 600)")
    return parser.parse_args()


def extract(base, encoded, timeout):
    """(seconds, response JSON) of one /extract-faces request with the given base64 images."""
    body = json.dumps({"images": [{"image_base64": image} for image in encoded]}).encode()
    request = urllib.request.Request(base + "/extract-faces", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.load(response)
    return time.perf_counter() - start, payload


def main():
    args = parse_args()
    binary = os.path.abspath(args.visage)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable visage at {binary} (build it, or pass --visage)")
    images = find_images(args.images)[:args.batch]
    if len(images) < args.batch:
        sys.exit(f"only {len(images)} images under {args.images}; need {args.batch}")
    encoded = []
    for _, path in images:
        with open(path, "rb") as f:
            encoded.append(base64.b64encode(f.read()).decode())
    megabytes = sum(len(e) for e in encoded) * 3 / 4 / 1e6

    server = Server(binary, args.port or free_port())
    try:
        health = server.start(health_timeout=120)
        print(f"server up: {health.get('face_detection_model')}, {os.cpu_count()} cores; "
              f"{args.batch} images, {megabytes:.1f} MB", file=sys.stderr)
        extract(server.base, encoded[:2], args.timeout)  # warm the sessions

        single = [extract(server.base, [image], args.timeout) for image in encoded]
        single_seconds = sum(s for s, _ in single)
        single_faces = sum(p["total_faces_detected"] for _, p in single)

        batches = [extract(server.base, encoded, args.timeout) for _ in range(args.repeats)]
        batch_seconds = statistics.median(s for s, _ in batches)
        payload = batches[0][1]
    except (RuntimeError, urllib.error.URLError, OSError) as error:
        print(f"benchmark failed: {error}\n{server.log_tail()}", file=sys.stderr)
        server.kill()
        server.close()
        return 1
    print(f"stop: {server.stop()}", file=sys.stderr)
    server.close()

    baseline = args.batch / single_seconds
    print(f"{'mode':<34}{'wall s':>8}{'img/s':>8}{'faces':>7}{'unique':>8}{'vs baseline':>13}")
    print(f"{'baseline: ' + str(args.batch) + ' single-image requests':<34}{single_seconds:>8.2f}{baseline:>8.2f}"
          f"{single_faces:>7}{'-':>8}{1.0:>12.2f}x")
    rate = args.batch / batch_seconds
    print(f"{'one batch of ' + str(args.batch) + ' (median of ' + str(args.repeats) + ')':<34}{batch_seconds:>8.2f}{rate:>8.2f}"
          f"{payload['total_faces_detected']:>7}{payload['unique_faces']:>8}{rate / baseline:>12.2f}x")
    if payload.get("errors"):
        print(f"errors in the batch: {payload['errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
