#!/usr/bin/env python3
"""The web UI's people page at scale: how long the server takes to answer what the page asks for,
and how long Chromium takes to show it, for a generated library (`visage bench-library`) of
10,000 faces in 500 people against a baseline of 1,000 faces in 50 people, in the same run.

    VISAGE_BIN=.build/release/visage scripts/bench_ui.sh

Prints, for each library: `GET /faceinfo` (p50 of 20), the first screen's face crops fetched cold
(each decodes its photo) and again with their ETags (304), and the time from navigation to the
first 120 cards with their crops drawn in headless Chromium (median of 5 loads, browser cache
warm after the first). The last line gives the large library's figures as ratios to the
baseline's."""

import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "ui"))
from test_web_ui import make_browser  # noqa: E402
from visage_server import VisageServer  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FIRST_SCREEN = 120


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def fetch(url, key, etag=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request) as response:
            response.read()
            return response.status, response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, None


def measure(faces, people):
    photos = sorted(str(p) for p in (Path(os.environ["VISAGE_TESTDATA"]) / "faces_identity" / "deepface").glob("img*.jpg"))

    def fill(server):
        subprocess.run([server.binary, "bench-library", "--faces", str(faces), "--people", str(people),
                        "--named", str(people // 2), *photos], env=server.env, check=True, stdout=subprocess.DEVNULL)

    server = VisageServer().start(prepare=fill)
    try:
        key = server.admin_key
        faceinfo = [timed(lambda: server.api("GET", "/faceinfo"))[0] for _ in range(20)]
        info = server.api("GET", "/faceinfo")
        covers = [c["cover_face_id"] for c in sorted(info["clusters"], key=lambda c: (c["name"] is None, c["name"] or "", -c["face_count"]))[:FIRST_SCREEN]]
        tags = {}
        cold_start = time.perf_counter()
        for face in covers:
            tags[face] = fetch(f"{server.base}/faces/{face}/crop?size=160", key)[1]
        cold = time.perf_counter() - cold_start
        warm_start = time.perf_counter()
        statuses = [fetch(f"{server.base}/faces/{face}/crop?size=160", key, tags[face])[0] for face in covers]
        warm = time.perf_counter() - warm_start
        assert all(status == 304 for status in statuses), statuses

        browser = make_browser()
        try:
            browser.get(server.base + "/ui#/sign-in")
            field = WebDriverWait(browser, 30).until(lambda b: b.find_element("id", "api-key"))
            field.send_keys(key + Keys.ENTER)
            WebDriverWait(browser, 30).until(lambda b: b.find_elements("css selector", '[data-testid="person-card"]'))
            loads = []
            for _ in range(5):
                browser.get(server.base + "/ui?reload=" + str(time.time()) + "#/people")
                shown = WebDriverWait(browser, 120, poll_frequency=0.02).until(lambda b: b.execute_script(f"""
                    const images = Array.from(document.querySelectorAll('[data-testid=person-card] img')).slice(0, {FIRST_SCREEN});
                    return images.length === Math.min({FIRST_SCREEN}, {people}) && images.every(i => i.complete && i.naturalWidth > 0)
                        ? performance.now() : null;"""))
                loads.append(shown / 1000)
        finally:
            browser.quit()
        return {"faces": faces, "people": people, "faceinfo_p50": statistics.median(faceinfo), "crops_cold": cold,
                "crops_304": warm, "render_first": loads[0], "render_median": statistics.median(loads[1:])}
    finally:
        server.stop()


def main():
    rows = [measure(1_000, 50), measure(10_000, 500)]
    print(f"web UI people page, first screen = {FIRST_SCREEN} people (times in ms)")
    print("   faces  people  faceinfo p50  crops cold  crops 304  render first load  render (cached) median")
    for row in rows:
        print(f"{row['faces']:8d}  {row['people']:6d}  {row['faceinfo_p50'] * 1000:12.1f}  {row['crops_cold'] * 1000:10.0f}  "
              f"{row['crops_304'] * 1000:9.0f}  {row['render_first'] * 1000:17.0f}  {row['render_median'] * 1000:22.0f}")
    base, large = rows
    ratios = {name: large[name] / base[name] for name in ("faceinfo_p50", "crops_cold", "crops_304", "render_first", "render_median")}
    print("10k/1k ratios: " + ", ".join(f"{name} {value:.2f}x" for name, value in ratios.items()))


if __name__ == "__main__":
    main()
