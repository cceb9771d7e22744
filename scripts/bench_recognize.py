#!/usr/bin/env python3
"""Benchmark `POST /faces/recognize` of `visage serve` under concurrent load on loopback.

Starts `visage serve --port P --data <fresh temp dir>`, waits for `GET /ready` to answer 200,
then posts every image under a folder once per client count, with that many concurrent clients.
Each round uses its own image_id prefix (`r{clients}/{relpath}`), so every request is a new
analysis. A last round re-posts the 1-client round's image_ids (the re-analysis path: the image's
old faces are replaced). Prints a table and each round's throughput relative to the 1-client round
of the same run. Asserts nothing; the exit status is 0 unless the server could not be run.

Usage: scripts/bench_recognize.py [--visage BIN] [--images DIR] [--clients N [N ...]]
                                  [--port P] [--warmup K] [--repost-clients N] [--timeout S]
Needs: a release build and an installed model pack; VISAGE_MODEL_DIR (and any other VISAGE_*
setting) is passed through from the environment. Standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visage", default=".build/release/visage",
                        help="the visage binary (default: .build/release/visage)")
    parser.add_argument("--images", default="../shared/testdata/faces_identity",
                        help="folder searched recursively for jpg/jpeg/png (default: ../shared/testdata/faces_identity)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4, 8],
                        help="client counts, one round each (default: 1 2 4 8); 1 is added first when missing, as the baseline")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--warmup", type=int, default=4,
                        help="images posted once before the rounds and left out of the figures (default: 4)")
    parser.add_argument("--repost-clients", type=int, default=1,
                        help="concurrency of the re-post round (default: 1, comparable to the baseline)")
    parser.add_argument("--timeout", type=float, default=300, help="per-request timeout in seconds (default: 300)")
    parser.add_argument("--health-timeout", type=float, default=120,
                        help="seconds to wait for GET /ready to answer 200 (default: 120)")
    return parser.parse_args()


def find_images(folder):
    """(relative path, absolute path) of every image under folder, sorted for a stable order."""
    images = []
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        for name in sorted(files):
            if name.lower().endswith(IMAGE_EXTENSIONS):
                absolute = os.path.abspath(os.path.join(directory, name))
                images.append((os.path.relpath(absolute, os.path.abspath(folder)), absolute))
    return images


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_memory_mb(pid):
    """(VmHWM, VmRSS) of pid in MB, from /proc/<pid>/status; None where unreadable."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    values[key] = int(rest.split()[0]) / 1024  # kB -> MB
    except OSError:
        pass
    return values.get("VmHWM"), values.get("VmRSS")


class Server:
    """`visage serve` in a fresh data directory; its log goes to a file next to it."""

    def __init__(self, binary, port):
        self.binary = binary
        self.port = port
        self.tmp = tempfile.TemporaryDirectory(prefix="visage-bench-")
        self.data = os.path.join(self.tmp.name, "data")
        self.log_path = os.path.join(self.tmp.name, "serve.log")
        self.process = None
        self.log = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, health_timeout):
        os.makedirs(self.data)
        self.log = open(self.log_path, "wb")
        command = [self.binary, "serve", "--port", str(self.port), "--data", self.data]
        print(f"starting: {' '.join(command)}", file=sys.stderr)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=dict(os.environ))
        deadline = time.monotonic() + health_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"visage serve exited with {self.process.returncode} before it was ready")
            try:
                # The port answers while the models load; /ready says when they have.
                with urllib.request.urlopen(self.base + "/ready", timeout=5) as response:
                    if response.status == 200:
                        with urllib.request.urlopen(self.base + "/health", timeout=5) as health:
                            return json.load(health)
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"GET /ready did not answer 200 within {health_timeout:.0f} s")

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=60):
        """SIGTERM, then wait; returns a line saying how it exited. Kills it when it does not."""
        if self.process is None:
            return "not started"
        if self.process.poll() is not None:
            return f"had already exited with {self.process.returncode}"
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
            return f"exited with {code} after SIGTERM"
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
            return f"did NOT exit within {timeout:.0f} s of SIGTERM; killed ({code})"

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self):
        if self.log:
            self.log.close()
        self.tmp.cleanup()


def post_recognize(base, image_id, image_path, timeout):
    """(seconds, HTTP status or error name, error code or None, faces) for one request."""
    body = json.dumps({"image_id": image_id, "image_path": image_path, "orientation": 1}).encode()
    request = urllib.request.Request(base + "/faces/recognize", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.load(response)
            return time.perf_counter() - start, response.status, None, len(payload.get("faces", []))
    except urllib.error.HTTPError as error:
        seconds = time.perf_counter() - start
        try:
            code = json.load(error).get("error", {}).get("code")
        except (ValueError, AttributeError, OSError):
            code = None
        return seconds, error.code, code, 0
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        return time.perf_counter() - start, type(reason).__name__, str(reason), 0


def percentile(values, fraction):
    """Linear interpolation between closest ranks (the 'inclusive' method)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run_round(server, label, requests, clients, timeout):
    """Posts requests [(image_id, path)] with `clients` concurrent workers; returns the round's figures."""
    pending = iter(requests)
    lock = threading.Lock()
    results = []

    def worker():
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            result = post_recognize(server.base, item[0], item[1], timeout)
            with lock:
                results.append(result)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(worker) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - start
    hwm, rss = proc_memory_mb(server.process.pid)

    ok = [r for r in results if r[1] == 200]
    errors = {}
    for _, status, code, _ in results:
        if status != 200:
            key = f"{status}" + (f" {code}" if code else "")
            errors[key] = errors.get(key, 0) + 1
    latencies = [r[0] for r in results]
    faces = sum(r[3] for r in ok)
    return {
        "label": label, "clients": clients, "requests": len(results), "ok": len(ok), "faces": faces,
        "wall": wall, "images_s": len(ok) / wall, "faces_s": faces / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "errors": errors, "hwm_mb": hwm, "rss_mb": rss,
    }


def print_table(rounds, baseline):
    header = (f"{'round':<16}{'clients':>8}{'ok/req':>10}{'faces':>7}{'wall s':>9}{'img/s':>8}{'faces/s':>9}"
              f"{'p50 ms':>9}{'p99 ms':>9}{'peak MB':>9}{'rss MB':>8}{'vs 1 client':>13}  errors")
    print(header)
    print("-" * len(header))
    for r in rounds:
        ratio = r["images_s"] / baseline["images_s"] if baseline["images_s"] else float("nan")
        errors = ", ".join(f"{k} x{v}" for k, v in sorted(r["errors"].items())) or "none"
        mb = lambda v: f"{v:.0f}" if v is not None else "?"
        print(f"{r['label']:<16}{r['clients']:>8}{r['ok']:>5}/{r['requests']:<4}{r['faces']:>7}{r['wall']:>9.2f}"
              f"{r['images_s']:>8.2f}{r['faces_s']:>9.2f}{r['p50_ms']:>9.0f}{r['p99_ms']:>9.0f}"
              f"{mb(r['hwm_mb']):>9}{mb(r['rss_mb']):>8}{ratio:>12.2f}x  {errors}")


def main():
    args = parse_args()
    binary = os.path.abspath(args.visage)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable visage at {binary} (build it, or pass --visage)")
    images = find_images(args.images)
    if not images:
        sys.exit(f"no jpg/jpeg/png images under {args.images}")
    clients = list(dict.fromkeys(args.clients))
    if any(c < 1 for c in clients) or args.repost_clients < 1:
        sys.exit("client counts must be at least 1")
    if 1 not in clients:
        clients.insert(0, 1)
    elif clients[0] != 1:
        clients.remove(1)
        clients.insert(0, 1)

    server = Server(binary, args.port or free_port())
    try:
        health = server.start(args.health_timeout)
        print(f"server up on {server.base}: device {health.get('device')}, models {health.get('models_used')}",
              file=sys.stderr)
        hwm, rss = proc_memory_mb(server.process.pid)
        print(f"server memory after start: peak {hwm:.0f} MB, resident {rss:.0f} MB", file=sys.stderr)

        if args.warmup > 0:
            warm = [(f"warmup/{rel}", path) for rel, path in images[:args.warmup]]
            w = run_round(server, "warm-up", warm, 1, args.timeout)
            print(f"warm-up: {w['ok']}/{w['requests']} ok in {w['wall']:.2f} s (not counted)", file=sys.stderr)

        rounds = []
        for n in clients:
            requests = [(f"r{n}/{rel}", path) for rel, path in images]
            print(f"round: {n} client(s), {len(requests)} images ...", file=sys.stderr)
            rounds.append(run_round(server, f"new, {n} clients", requests, n, args.timeout))
        baseline = rounds[0]

        requests = [(f"r1/{rel}", path) for rel, path in images]
        print(f"round: re-post of the 1-client image_ids, {args.repost_clients} client(s) ...", file=sys.stderr)
        rounds.append(run_round(server, f"re-post, {args.repost_clients} cl.", requests,
                                args.repost_clients, args.timeout))
    except BaseException as error:
        server.kill()
        print(f"benchmark failed: {error!r}\n--- server log tail ---\n{server.log_tail()}", file=sys.stderr)
        server.close()
        sys.exit(1)

    exit_line = server.stop()
    print(f"\n{len(images)} images from {os.path.abspath(args.images)}; {os.cpu_count()} cores; "
          f"visage serve on loopback, fresh data dir; warm-up {args.warmup} images")
    print_table(rounds, baseline)
    print()
    print("throughput vs 1 client (same run): " + ", ".join(
        f"{r['clients']} clients {r['images_s'] / baseline['images_s']:.2f}x" for r in rounds[1:len(clients)]))
    repost = rounds[-1]
    print(f"re-post ({repost['clients']} client(s)) vs new analysis at 1 client: "
          f"{repost['images_s'] / baseline['images_s']:.2f}x")
    print("peak MB is the server's VmHWM after the round (a high-water mark since start); rss MB its VmRSS then")
    print(f"server {exit_line}")
    if "exited with 0" not in exit_line:
        print(f"--- server log tail ---\n{server.log_tail()}", file=sys.stderr)
    server.close()


if __name__ == "__main__":
    main()
