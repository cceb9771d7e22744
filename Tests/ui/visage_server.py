"""A real `visage serve` for the browser tests: a fresh data folder, the default model pack from
the mirror, API keys made with the CLI, and a small JSON client for setting up and checking what
the UI did."""

import csv
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ALL_SCOPES = ["faces:read", "faces:write", "facedb:read", "facedb:write", "extract", "review", "admin", "metrics"]


class VisageServer:
    def __init__(self):
        self.binary = os.environ["VISAGE_BIN"]
        self.testdata = Path(os.environ["VISAGE_TESTDATA"])
        self.work = Path(tempfile.mkdtemp(prefix="visage-ui-"))
        self.data = self.work / "data"
        self.photos = self.work / "photos"
        self.media = self.work / "media"
        for folder in (self.photos, self.media / "inbox", self.media / "final", self.media / "review"):
            folder.mkdir(parents=True)
        self.env = dict(os.environ, VISAGE_DATA_DIR=str(self.data), VISAGE_INPUT_ROOTS=f"{self.photos}:{self.testdata}",
                        VISAGE_ALLOW_URLS="0", VISAGE_PEOPLE_SETTLE_SECONDS="0")
        self.tiny_models()
        self.process = None
        self.base = None

    def tiny_models(self):
        """The tests' tiny CLIP (scripts/make_tiny_models.py: it embeds an image's mean colour and
        colour words onto the same axes), so text and similar-image search run for real."""
        root = Path(__file__).resolve().parents[2]
        models = self.work / "models"
        subprocess.run(["python3", str(root / "scripts" / "make_tiny_models.py"), str(models), "--vocab",
                        str(Path(os.environ["VISAGE_MODEL_MIRROR"]) / "clip" / "bpe_simple_vocab_16e6.txt.gz")],
                       env=dict(os.environ, PYTHONPATH=str(root / ".deps" / "onnx-py")), check=True, stdout=subprocess.DEVNULL)
        self.env["VISAGE_CLIP_MODEL"] = str(models / "clip")

    def start(self, prepare=None):
        """Starts `visage serve`; `prepare(self)` runs first, on the data folder (the benchmark
        fills it with a library)."""
        subprocess.run([self.binary, "models", "fetch"], env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.admin_key = self.create_key("ui tests", ALL_SCOPES)
        if prepare:
            prepare(self)
        with open(self.work / "server.log", "wb") as log:
            self.process = subprocess.Popen([self.binary, "serve", "--host", "127.0.0.1", "--port", "0"], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            text = (self.work / "server.log").read_text(errors="replace")
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", text)
            if found:
                self.base = f"http://127.0.0.1:{found.group(1)}"
                try:
                    if self.request("GET", "/ready", key=None)[0] == 200:
                        return self
                except OSError:
                    pass
            if self.process.poll() is not None:
                raise RuntimeError(f"visage serve exited:\n{text}")
            time.sleep(0.2)
        raise RuntimeError("visage serve did not become ready")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.work, ignore_errors=True)

    def create_key(self, name, scopes):
        out = subprocess.run([self.binary, "keys", "create", "--name", name, "--scope", *scopes], env=self.env, check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out)["key"]

    def request(self, method, path, body=None, key="admin"):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if key:
            request.add_header("Authorization", f"Bearer {self.admin_key if key == 'admin' else key}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                payload = response.read()
                return response.status, json.loads(payload) if payload and response.headers.get_content_type() == "application/json" else payload
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                return error.code, json.loads(payload)
            except ValueError:
                return error.code, payload

    def api(self, method, path, body=None):
        status, payload = self.request(method, path, body)
        if status >= 300:
            raise AssertionError(f"{method} {path} answered {status}: {payload}")
        return payload

    # -- the library ---------------------------------------------------------------------------

    def recognise_identities(self):
        """Recognises the deepface photos of testdata/faces_identity and reclusters; returns
        {identity: [image_id, ...]}."""
        root = self.testdata / "faces_identity"
        identities = {}
        with open(root / "manifest.csv") as manifest:
            for row in csv.DictReader(manifest):
                if row["source"] != "deepface":
                    continue
                image_id = "deepface-" + Path(row["path"]).stem
                status, _ = self.request("POST", "/faces/recognize",
                                         {"image_id": image_id, "image_path": str(root / row["path"]), "orientation": 1})
                if status == 200:
                    identities.setdefault(row["identity"], []).append(image_id)
        self.api("POST", "/faces/recluster")
        return identities

    def cluster_of(self, image_ids):
        """The cluster holding most of these images' first faces."""
        clusters = Counter()
        for image_id in image_ids:
            faces = self.api("GET", f"/images/{image_id}")["faces"]
            if faces and faces[0].get("cluster_id"):
                clusters[faces[0]["cluster_id"]] += 1
        return clusters.most_common(1)[0][0]

    def cluster(self, cluster_id):
        return self.api("GET", f"/faceinfo?cluster_id={cluster_id}")["clusters"][0]

    def cluster_faces(self, cluster_id):
        return self.api("GET", f"/faces/clusters/{cluster_id}/faces")["faces"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
