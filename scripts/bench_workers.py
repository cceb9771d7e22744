#!/usr/bin/env python3
"""Ingest throughput with 1, 2 and 4 `visage worker` processes on one PostgreSQL database.

For each worker count: a fresh database, the photos split into JOBS folders (one `ingest_folder`
job each, so workers can share the work), the jobs submitted with `visage jobs submit`, then N
`visage worker` processes started together and timed until every job is done. Prints images per
second and the ratio against one worker, measured in the same run.

    scripts/bench_workers.py [--visage .build/release/visage] [--photos N] [--jobs J] [--workers 1 2 4] [--warmup S]

Needs the models (VISAGE_MODEL_DIR) and starts its own PostgreSQL (scripts/postgres.sh).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PSQL = os.path.join(ROOT, ".deps/pgserver/pgserver/pginstall/bin/psql")


def photos(testdata, count):
    manifest = os.path.join(testdata, "faces_identity", "manifest.csv")
    with open(manifest) as f:
        rows = [line.split(",")[0] for line in f.read().splitlines()[1:] if line]
    return [os.path.join(testdata, "faces_identity", row) for row in rows][:count]


def psql(url, statement):
    host_port = url.split("@")[1].split("/")[0]
    host, port = host_port.split(":")
    subprocess.run([PSQL, "-X", "-q", "-h", host, "-p", port, "-U", "visage", "-d", "postgres", "-c", statement], check=True)


def run(args, workers, server_url, files, scratch):
    name = "visage_bench_" + uuid.uuid4().hex[:12]
    psql(server_url, f"CREATE DATABASE {name}")
    url = server_url.rsplit("/", 1)[0] + "/" + name
    env = dict(os.environ, VISAGE_DATABASE_URL=url, LOG_LEVEL="error")
    folders = []
    for j in range(args.jobs):
        folder = os.path.join(scratch, f"{name}-{j}")
        os.makedirs(folder)
        for i, path in enumerate(files[j :: args.jobs]):
            shutil.copy(path, os.path.join(folder, f"{i}-{os.path.basename(path)}"))
        folders.append(folder)
    # The workers start first and load their models while the queue is empty; the clock starts
    # when the jobs are submitted.
    procs = [
        subprocess.Popen([args.visage, "worker", "--workers", "1", "--pack", args.pack], env=env, stdout=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    time.sleep(args.warmup)
    start = time.monotonic()
    for folder in folders:
        subprocess.run([args.visage, "jobs", "submit", "ingest_folder", "--folder", folder], env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        while True:
            listed = subprocess.run([args.visage, "jobs", "list", "--limit", "1000"], env=env, capture_output=True, text=True, check=True)
            states = [json.loads(line)["state"] for line in listed.stdout.splitlines() if line.strip()]
            if states and all(state in ("done", "dead", "cancelled") for state in states):
                break
            time.sleep(0.5)
        seconds = time.monotonic() - start
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait()
    if any(state != "done" for state in states):
        sys.exit(f"some jobs did not finish: {states}")
    psql(server_url, f"DROP DATABASE {name} WITH (FORCE)")
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--visage", default=os.path.join(ROOT, ".build/release/visage"))
    parser.add_argument("--testdata", default=os.path.join(os.path.dirname(ROOT), "shared", "testdata"))
    parser.add_argument("--photos", type=int, default=96)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--pack", default="lite")
    parser.add_argument("--warmup", type=float, default=20, help="seconds the workers get to load their models")
    args = parser.parse_args()
    files = photos(args.testdata, args.photos)
    scratch = tempfile.mkdtemp(prefix="visage-bench-workers-")
    os.chmod(scratch, 0o755)  # the server may run as another user (scripts/postgres.sh, as root)
    server = os.path.join(scratch, "pg")
    url = subprocess.run(["bash", os.path.join(ROOT, "scripts/postgres.sh"), "start", server], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    try:
        print(f"{len(files)} photos in {args.jobs} ingest_folder jobs, pack {args.pack}, {os.cpu_count()} cores, {args.visage}")
        print(f"{'workers':>7} {'seconds':>8} {'img/s':>7} {'vs 1':>6}")
        baseline = None
        for workers in args.workers:
            seconds = run(args, workers, url, files, scratch)
            rate = len(files) / seconds
            baseline = baseline or rate
            print(f"{workers:>7} {seconds:>8.1f} {rate:>7.2f} {rate / baseline:>5.2f}x", flush=True)
    finally:
        subprocess.run(["bash", os.path.join(ROOT, "scripts/postgres.sh"), "stop", server])
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
