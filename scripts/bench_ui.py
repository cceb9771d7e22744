#!/usr/bin/env python3
"""The web UI's people page at scale: how long the server takes to answer what the page asks for,
and how long Chromium takes to show it, for a generated library (`visage bench-library`) of
10,000 faces in 500 people against a baseline of 1,000 faces in 50 people, in the same run.

    VISAGE_BIN=.build/release/visage scripts/bench_ui.sh

Prints, for each library: `GET /faceinfo` (p50 of 20); the time from navigation to the first 120
cards drawn and the crops on screen (1280 x 900) loaded in headless Chromium (those below load
lazily as the page scrolls), first with nothing cached (the server's crop
cache and the browser's both cold) and then the median of 5 reloads; and the first screen's crops
fetched one at a time, cold (each decodes its photo), and again with their ETags (304). The last
line gives the large library's figures as ratios to the baseline's."""

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
        # Chromium first, while nothing is cached anywhere: the session is made by the page's own
        # fetch (as the sign-in form does), then the people page is opened cold, then reloaded.
        browser = make_browser()
        try:
            browser.get(server.base + "/ui#/sign-in")
            WebDriverWait(browser, 30).until(lambda b: b.find_elements("id", "api-key"))
            status = browser.execute_async_script("""
                const done = arguments[arguments.length - 1];
                fetch('/ui/session', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                      body: JSON.stringify({api_key: arguments[0]})}).then(r => done(r.status));""", key)
            assert status == 200, status
            loads = []
            for _ in range(6):
                browser.get(server.base + "/ui?reload=" + str(time.time()) + "#/people")
                try:
                    shown = WebDriverWait(browser, 120, poll_frequency=0.02).until(lambda b: b.execute_script(f"""
                        const images = Array.from(document.querySelectorAll('[data-testid=person-card] img'));
                        const visible = images.filter(i => i.getBoundingClientRect().top < window.innerHeight);
                        return images.length === Math.min({FIRST_SCREEN}, {people}) && visible.length > 0
                            && visible.every(i => i.complete && i.naturalWidth > 0) ? performance.now() : null;"""))
                except Exception:
                    print("page:", browser.current_url, browser.execute_script("""
                        const images = Array.from(document.querySelectorAll('[data-testid=person-card] img'));
                        return [images.length, images.filter(i => i.complete).length, images.filter(i => i.naturalWidth > 0).length,
                                document.querySelectorAll('[data-testid=person-card]').length, document.body.innerText.slice(0, 300)];"""), file=sys.stderr)
                    raise
                loads.append(shown / 1000)
        finally:
            browser.quit()
        # The crops one at a time: at a size the page has not asked for (so each decodes its
        # photo), then the page's size again with the entity tags the browser keeps (304s).
        cold_start = time.perf_counter()
        for face in covers:
            fetch(f"{server.base}/faces/{face}/crop?size=128", key)
        cold = time.perf_counter() - cold_start
        tags = {face: fetch(f"{server.base}/faces/{face}/crop?size=160", key)[1] for face in covers}
        warm_start = time.perf_counter()
        statuses = [fetch(f"{server.base}/faces/{face}/crop?size=160", key, tags[face])[0] for face in covers]
        warm = time.perf_counter() - warm_start
        assert all(status == 304 for status in statuses), statuses
        return {"faces": faces, "people": people, "faceinfo_p50": statistics.median(faceinfo), "crops_cold": cold,
                "crops_304": warm, "render_first": loads[0], "render_median": statistics.median(loads[1:])}
    finally:
        server.stop()


def main():
    rows = [measure(1_000, 50), measure(10_000, 500)]
    print(f"web UI people page, first screen = {FIRST_SCREEN} people (times in ms)")
    print("   faces  people  faceinfo p50  render cold  render (cached) median  crops cold, one by one  crops 304")
    for row in rows:
        print(f"{row['faces']:8d}  {row['people']:6d}  {row['faceinfo_p50'] * 1000:12.1f}  {row['render_first'] * 1000:11.0f}  "
              f"{row['render_median'] * 1000:22.0f}  {row['crops_cold'] * 1000:22.0f}  {row['crops_304'] * 1000:9.0f}")
    base, large = rows
    ratios = {name: large[name] / base[name] for name in ("faceinfo_p50", "render_first", "render_median", "crops_cold", "crops_304")}
    print("10k/1k ratios: " + ", ".join(f"{name} {value:.2f}x" for name, value in ratios.items()))


if __name__ == "__main__":
    main()
