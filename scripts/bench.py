#!/usr/bin/env python3
"""Benchmark `visage analyze` against a simple reference pipeline in the same run.

The reference (scripts/reference/reference_pipeline.py) is what a developer would write with
Python, onnxruntime and OpenCV: decode, letterbox, detect, align, embed, one image after another,
with the same models and the same thread count. Both are run over the same images and both
compute embeddings. Figures: images/s, peak resident memory, and Visage's speed as a ratio of
the reference's. Visage is measured twice: as shipped (tiled small-face pass and upright search
on) and with those extras off (the same work as the reference).

Usage: scripts/bench.py [--threads N] [--repeat R] [PATH...]   (default: faces_identity + faces_group)
Needs: scripts/setup.sh done (release build, lite pack installed); creates .deps/refenv for the
reference (onnxruntime, opencv-python-headless, numpy from PyPI) on first use.
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
VISAGE = os.path.join(ROOT, ".build", "release", "visage")
REFENV = os.path.join(ROOT, ".deps", "refenv")
REF_PYTHON = os.path.join(REFENV, "bin", "python")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def ensure_reference_env():
    if os.path.exists(REF_PYTHON):
        return
    print("creating the reference environment in .deps/refenv ...", file=sys.stderr)
    subprocess.check_call([sys.executable, "-m", "venv", REFENV])
    subprocess.check_call([REF_PYTHON, "-m", "pip", "install", "--quiet", "onnxruntime==1.31.1",
                           "opencv-python-headless==5.0.0.93", "numpy"])


def count_images(paths):
    n = 0
    for p in paths:
        if os.path.isdir(p):
            for _, _, files in os.walk(p):
                n += sum(f.lower().endswith(IMAGE_EXTENSIONS) for f in files)
        else:
            n += 1
    return n


def timed(command, env=None):
    """Wall seconds and peak RSS (MB) of one child process (its own rusage, via wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = child.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        sys.exit(f"failed ({code}): {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stderr


def best_of(repeat, command, env=None):
    runs = [timed(command, env) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration; the fastest counts")
    args = parser.parse_args()
    paths = args.paths or [os.path.join(SHARED, "testdata", "faces_identity"), os.path.join(SHARED, "testdata", "faces_group")]
    images = count_images(paths)
    if not os.access(VISAGE, os.X_OK):
        sys.exit("build first: scripts/setup.sh")
    ensure_reference_env()
    models = os.environ.get("VISAGE_MODEL_MIRROR", os.path.join(SHARED, "models"))

    base = [VISAGE, "analyze", "--json", "--embeddings", "--pack", "lite", "--jobs", str(args.threads)]
    configurations = [
        ("reference (Python + OpenCV + ORT)", [REF_PYTHON, os.path.join(ROOT, "scripts", "reference", "reference_pipeline.py"),
                                             "--models", models, "--threads", str(args.threads), "--embeddings"] + paths),
        ("visage, same work as reference", base + ["--small-faces", "off", "--no-upright-search"] + paths),
        ("visage, as shipped", base + paths),
    ]
    print(f"{images} images, {args.threads} threads, best of {args.repeat} runs (wall time includes model loading)")
    results = []
    for name, command in configurations:
        seconds, peak_mb, _ = best_of(args.repeat, command)
        results.append((name, seconds, peak_mb))
    reference_rate = images / results[0][1]
    print(f"{'pipeline':38s} {'images/s':>9s} {'peak MB':>8s} {'vs reference':>13s}")
    for name, seconds, peak_mb in results:
        rate = images / seconds
        print(f"{name:38s} {rate:9.1f} {peak_mb:8.0f} {rate / reference_rate:12.2f}x")

    print()
    sample = os.path.join(SHARED, "testdata", "faces_group")
    for threads in sorted({1, args.threads}):
        out = subprocess.run([VISAGE, "bench", "--pack", "lite", "--threads", str(threads), sample],
                             capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip())


if __name__ == "__main__":
    main()
