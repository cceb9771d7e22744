"""The web UI in a real headless Chromium, through WebDriver (selenium), against a real
`visage serve` with the real lite models and testdata photos. Each test acts as a user does (sign
in, click, type, press keys) and checks the result through the API and on disk, not only on the
page. Screenshots of each page are written to .build/ui-test/screenshots/."""

import os
import shutil
import time
import unittest
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from visage_server import VisageServer

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".build" / "ui-test" / "screenshots"
server = None
identities = {}


def setUpModule():
    global server, identities
    server = VisageServer().start()
    identities = server.recognise_identities()
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)


def tearDownModule():
    if server:
        server.stop()


def solid_png(rgb, width=64, height=48):
    """A PNG of one colour, written by hand (no imaging library in the test's dependencies)."""
    import struct
    import zlib
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def make_browser(width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("VISAGE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--force-prefers-reduced-motion"):
        options.add_argument(argument)
    driver = os.environ.get("VISAGE_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    browser.set_page_load_timeout(60)
    return browser


class BrowserTest(unittest.TestCase):
    scopes = None  # the key's scopes; None: every scope

    def setUp(self):
        self.browser = make_browser()
        self.wait = WebDriverWait(self.browser, 30)
        self.key = server.admin_key if self.scopes is None else server.create_key(f"ui {self.id()}", self.scopes)

    def tearDown(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = result is not None and any(test is self for test, _ in result.errors + result.failures)
        if failed:  # what the page showed when it failed, and what its console said
            self.browser.save_screenshot(str(SCREENSHOTS / f"failed-{self._testMethodName}.png"))
            for entry in self.browser.get_log("browser"):
                print("browser console:", entry.get("level"), entry.get("message"))
        self.browser.quit()

    # -- helpers -------------------------------------------------------------------------------

    def sign_in(self):
        self.browser.get(server.base + "/")
        field = self.wait.until(EC.element_to_be_clickable((By.ID, "api-key")))
        field.send_keys(self.key)
        field.send_keys(Keys.ENTER)
        self.wait.until(EC.visibility_of_element_located((By.ID, "nav")))

    def go(self, fragment):
        self.browser.get(f"{server.base}/ui#/{fragment}")

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def all(self, css):
        return self.browser.find_elements(By.CSS_SELECTOR, css)

    def keys(self, *keys):
        """Keys sent to whatever has the focus, as a keyboard would."""
        webdriver.ActionChains(self.browser).send_keys(*keys).perform()

    def wait_until(self, condition, message, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        self.fail(message)

    def toast_text(self):
        return " ".join(node.text for node in self.all(".toast"))

    def screenshot(self, name):
        time.sleep(0.3)  # lazy images settle
        self.browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


class SignInTests(BrowserTest):
    def test_sign_in_shows_the_people_and_keeps_the_key_out_of_the_page(self):
        self.browser.get(server.base + "/")
        self.find("#api-key")
        self.assertIn("#/sign-in", self.browser.current_url)
        self.screenshot("sign-in")
        field = self.browser.find_element(By.ID, "api-key")
        field.send_keys("vsk_aaaaaaaaaaaa_" + "a" * 52)
        self.browser.find_element(By.ID, "sign-in").click()
        error = self.wait.until(lambda b: b.find_element(By.ID, "sign-in-error").text)
        self.assertIn("not valid", error)
        field.clear()
        field.send_keys(self.key + Keys.ENTER)
        self.find('[data-testid="person-card"]')

        expected = [c for c in server.api("GET", "/faceinfo")["clusters"] if c["face_count"] > 0]
        cards = self.all('[data-testid="person-card"]')
        self.assertEqual(len(cards), min(len(expected), 120))
        self.assertLessEqual({card.get_attribute("data-cluster-id") for card in cards}, {c["cluster_id"] for c in expected})
        images = self.all('[data-testid="person-card"] img')
        self.assertEqual(len(images), len(cards), "every person has a face crop")
        self.assertTrue(all(image.get_attribute("alt") for image in images))
        self.wait_until(lambda: self.browser.execute_script(
            "return Array.from(document.querySelectorAll('[data-testid=person-card] img')).slice(0, 6).every(i => i.complete && i.naturalWidth > 0)"),
            "the first face crops did not load")
        self.screenshot("people")

        # The key is nowhere the page's script can reach; the session cookie is HttpOnly.
        stored = self.browser.execute_script(
            "return document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href")
        self.assertNotIn(self.key, stored)
        self.assertNotIn("visage_session", stored)
        cookie = self.browser.get_cookie("visage_session")
        self.assertTrue(cookie["httpOnly"])
        self.assertEqual(cookie["sameSite"], "Strict")

    def test_a_request_without_the_csrf_token_is_refused_and_sign_out_ends_the_session(self):
        self.sign_in()
        cluster = server.cluster_of(identities["Mark_Zuckerberg"])
        status = self.browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/faces/clusters/' + arguments[0] + '/name', {method: 'POST', headers: {'Content-Type': 'application/json'},
                  body: JSON.stringify({name: 'Forged'})}).then(r => r.json().then(j => done([r.status, j.error.code])));
        """, cluster)
        self.assertEqual(status, [403, "csrf_failed"])
        self.assertIsNone(server.cluster(cluster)["name"])

        self.go("settings")
        self.find("#sign-out").click()
        self.find("#api-key")
        status = self.browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/faceinfo').then(r => done(r.status));
        """)
        self.assertEqual(status, 401)


class NarrowKeyTests(BrowserTest):
    scopes = ["review"]

    def test_a_review_key_sees_only_what_it_may_use(self):
        self.sign_in()
        self.wait.until(lambda b: "#/review" in b.current_url)
        visible = [link.text for link in self.all("#nav a") if link.is_displayed()]
        self.assertEqual(visible, ["Review", "Settings"])
        self.go("people")
        self.wait.until(lambda b: "#/people" in b.current_url)
        alert = self.find(".error")
        self.assertIn("faces:read", alert.text)


class PeopleTests(BrowserTest):
    def test_rename_a_person_from_the_keyboard_and_see_it_in_faceinfo(self):
        cluster = server.cluster_of(identities["Angelina_Jolie"])
        self.sign_in()
        self.go(f"person/{cluster}")
        self.find('[data-testid="face-tile"]')
        self.screenshot("person")
        self.keys("n")
        field = self.find("#name-input")
        field.send_keys("Angelina Jolie" + Keys.ENTER)
        self.wait.until(EC.text_to_be_present_in_element((By.ID, "person-name"), "Angelina Jolie"))
        self.assertEqual(server.cluster(cluster)["name"], "Angelina Jolie")

        self.keys("n")
        field = self.find("#name-input")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("Angelina Jolie Pitt" + Keys.ENTER)
        self.wait.until(EC.text_to_be_present_in_element((By.ID, "person-name"), "Angelina Jolie Pitt"))
        self.assertEqual(server.cluster(cluster)["name"], "Angelina Jolie Pitt")

        self.go("people")
        self.find("#people-search").send_keys("pitt")
        self.wait.until(lambda b: len(self.all('[data-testid="person-card"]')) == 1)
        self.assertIn("Angelina Jolie Pitt", self.all('[data-testid="person-card"]')[0].text)

    def test_split_selected_faces_then_merge_them_back_with_the_picker(self):
        cluster = server.cluster_of(identities["Scarlett_Johansson"])
        before_faces = server.cluster_faces(cluster)
        before = len(before_faces)
        self.assertGreaterEqual(before, 3)
        self.sign_in()
        self.go(f"person/{cluster}")
        self.find('[data-testid="face-tile"]')
        tiles = self.all('[data-testid="face-tile"]')
        tiles[0].click()
        webdriver.ActionChains(self.browser).key_down(Keys.SHIFT).click(tiles[1]).key_up(Keys.SHIFT).perform()
        chosen = {int(tile.get_attribute("data-face-id")) for tile in tiles[:2]}
        self.assertEqual(len([t for t in tiles if t.get_attribute("aria-selected") == "true"]), 2)
        self.find("#split").click()
        self.find("#split-name").send_keys(Keys.ENTER)
        self.wait.until(lambda b: len(self.all('[data-testid="face-tile"]')) == before - 2)
        self.assertEqual(server.cluster(cluster)["face_count"], before - 2)
        images = {face["face_id"]: face["image_id"] for face in before_faces}
        moved = server.api("GET", f"/images/{images[min(chosen)]}")["faces"]
        new_cluster = next(face["cluster_id"] for face in moved if face["face_id"] == min(chosen))
        self.assertNotEqual(new_cluster, cluster)
        self.assertEqual(server.cluster(new_cluster)["face_count"], 2)

        # Merge the split-off faces back: the picker lists the most similar person first.
        self.go(f"person/{new_cluster}")
        self.find('[data-testid="face-tile"]')
        self.keys("m")
        options = self.wait.until(lambda b: self.all('[data-testid="merge-target"]'))
        self.assertEqual(options[0].get_attribute("data-cluster-id"), cluster)
        self.screenshot("merge-picker")
        options[0].click()
        self.wait.until(lambda b: f"#/person/{cluster}" in b.current_url)
        self.wait.until(lambda b: len(self.all('[data-testid="face-tile"]')) == before)
        self.assertEqual(server.cluster(cluster)["face_count"], before)

    def test_not_this_person_moves_the_selected_face_out(self):
        cluster = server.cluster_of(identities["Jennifer_Aniston"])
        before = server.cluster(cluster)["face_count"]
        self.sign_in()
        self.go(f"person/{cluster}")
        self.find('[data-testid="face-tile"]')
        self.keys("x")  # the first face has the focus
        self.find("#not-this-person").click()
        self.wait.until(lambda b: len(self.all('[data-testid="face-tile"]')) == before - 1)
        self.assertEqual(server.cluster(cluster)["face_count"], before - 1)


class SuggestionTests(BrowserTest):
    def test_accept_and_reject_suggestions(self):
        # Two suggestions: split part of a person off while unnamed, then name the rest.
        made = []
        for identity, name in (("Katy_Perry", "Katy Perry"), ("Leonardo_DiCaprio", "Leonardo DiCaprio")):
            cluster = server.cluster_of(identities[identity])
            faces = [face["face_id"] for face in server.cluster_faces(cluster)]
            split = server.api("POST", f"/faces/clusters/{cluster}/split", {"face_ids": faces[:2]})["cluster_id"]
            server.api("POST", f"/faces/clusters/{cluster}/name", {"name": name})
            made.append((split, name))
        suggested = {s["cluster_id"]: s["suggested_name"] for s in server.api("GET", "/faces/suggestions")["suggestions"]}
        for split, name in made:
            self.assertEqual(suggested.get(split), name)

        self.sign_in()
        self.go("suggestions")
        self.find('[data-testid="suggestion"]')
        self.screenshot("suggestions")
        (accept, accept_name), (reject, reject_name) = made
        row = self.find(f'[data-testid="suggestion"][data-cluster-id="{accept}"]')
        row.find_element(By.CSS_SELECTOR, '[data-action="accept"]').click()
        self.wait.until(lambda b: not self.all(f'[data-testid="suggestion"][data-cluster-id="{accept}"]'))
        self.assertEqual(server.cluster(accept)["name"], accept_name)

        # Reject from the keyboard: move the focus to the row, then r.
        self.find(f'[data-testid="suggestion"][data-cluster-id="{reject}"]')
        for _ in range(40):
            focused = self.browser.switch_to.active_element
            if focused.get_attribute("data-cluster-id") == reject:
                break
            self.keys("j")
        self.keys("r")
        self.wait.until(lambda b: not self.all(f'[data-testid="suggestion"][data-cluster-id="{reject}"]'))
        self.assertIsNone(server.cluster(reject)["name"])
        remaining = {s["cluster_id"]: s["suggested_name"] for s in server.api("GET", "/faces/suggestions")["suggestions"]}
        self.assertNotEqual(remaining.get(reject), reject_name)


class ReviewTests(BrowserTest):
    @classmethod
    def setUpClass(cls):
        media = server.media
        server.api("PUT", "/api/settings/face-recognition", {
            "inbox_path": str(media / "inbox"), "destination_path": str(media / "final"), "review_path": str(media / "review")})
        examples = server.testdata / "faces_identity" / "face_recognition" / "examples"
        server.api("POST", "/references", {"person_name": "Barack Obama", "image_path": str(examples / "obama.jpg")})
        cls.files = []
        for index, source in enumerate(sorted(examples.glob("*.jpg"))[:8]):
            target = media / "review" / f"{index:02d}-{source.name}"
            shutil.copy(source, target)
            # Newest first in the queue: give them distinct times, the first file newest.
            stamp = time.time() - index * 60
            os.utime(target, (stamp, stamp))
            cls.files.append(target)
        video = server.testdata / "video" / "short_hamilton_clip.mp4"
        if video.exists():
            target = media / "review" / "zz-clip.mp4"
            shutil.copy(video, target)
            stamp = time.time() - 3600
            os.utime(target, (stamp, stamp))

    def review_paths(self):
        """Read in one script call: the list may be redrawn between two WebDriver calls."""
        return self.browser.execute_script(
            "return Array.from(document.querySelectorAll('[data-testid=review-item]')).map(i => i.dataset.filePath)")

    def test_1_batch_keep_and_batch_delete_with_undo(self):
        self.sign_in()
        self.go("review")
        self.find('[data-testid="review-item"]')
        self.wait_until(lambda: self.browser.execute_script(
            "return Array.from(document.querySelectorAll('[data-testid=review-item] img')).every(i => i.complete && i.naturalWidth > 0)"),
            "the thumbnails did not load")
        self.screenshot("review")
        items = self.all('[data-testid="review-item"]')
        first, second = items[0].get_attribute("data-file-path"), items[1].get_attribute("data-file-path")
        items[0].click()
        webdriver.ActionChains(self.browser).key_down(Keys.SHIFT).click(items[1]).key_up(Keys.SHIFT).perform()
        self.find("#keep-destination").send_keys("kept/by-ui")
        self.find('[data-testid="batch-keep"]').click()
        self.wait.until(lambda b: first not in self.review_paths() and second not in self.review_paths())
        for path in (first, second):
            self.assertFalse(Path(path).exists())
            self.assertTrue((server.media / "final" / "kept" / "by-ui" / Path(path).name).exists())

        # Delete everything on the page but the video, then undo.
        before = self.review_paths()
        self.find('[data-testid="select-all"]').click()
        video = self.find('[data-testid="review-item"][data-file-path$="zz-clip.mp4"]')
        video.find_element(By.CSS_SELECTOR, "input.pick").click()
        deleted = [path for path in before if not path.endswith("zz-clip.mp4")]
        self.find('[data-testid="batch-delete"]').click()
        self.wait.until(lambda b: self.review_paths() == [p for p in before if p.endswith("zz-clip.mp4")])
        for path in deleted:
            self.assertFalse(Path(path).exists())
        trashed = list((server.data / "trash").rglob("*.jpg"))
        self.assertEqual(len(trashed), len(deleted))
        undo = self.wait.until(lambda b: [button for button in self.all(".toast button") if button.text == "Undo"])
        undo[0].click()
        self.wait.until(lambda b: sorted(self.review_paths()) == sorted(before))
        for path in deleted:
            self.assertTrue(Path(path).exists())

    def test_2_keyboard_only_review(self):
        self.sign_in()
        self.browser.find_element(By.TAG_NAME, "body").click()
        self.keys("g", "r")
        self.find('[data-testid="review-item"]')
        paths = self.review_paths()
        self.assertGreaterEqual(len(paths), 3)
        # The first item has the focus: select it and the next, keep both with k.
        self.keys("x", "j", "x", "k")
        self.wait.until(lambda b: paths[0] not in self.review_paths() and paths[1] not in self.review_paths())
        self.assertTrue((server.media / "final" / Path(paths[0]).name).exists())
        self.assertTrue((server.media / "final" / Path(paths[1]).name).exists())

        # Preview the focused item with Enter, step to the next with the arrow, close with Escape.
        self.find('[data-testid="review-item"]')
        self.keys(Keys.ENTER)
        preview = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog .preview")))
        first_title = self.find("#dialog-title").text
        self.screenshot("review-lightbox")
        self.assertTrue(preview.get_attribute("src").startswith(server.base + "/api/review/media?file_path="))
        self.keys(Keys.ARROW_RIGHT)
        self.wait.until(lambda b: self.find("#dialog-title").text != first_title)
        self.keys(Keys.ESCAPE)
        self.wait.until(lambda b: not b.execute_script("return document.getElementById('dialog').open"))

        # Delete the focused file from the keyboard; it goes to the trash.
        focused = self.browser.switch_to.active_element.get_attribute("data-file-path")
        self.assertIsNotNone(focused)
        self.keys(Keys.DELETE)
        self.wait.until(lambda b: focused not in self.review_paths())
        self.assertFalse(Path(focused).exists())
        self.assertTrue(any(p.name == Path(focused).name for p in (server.data / "trash").rglob("*")))

        # Add as reference from the keyboard: a, type the name, Enter.
        target = self.browser.switch_to.active_element.get_attribute("data-file-path")
        if target and "two_people" not in target and not target.endswith(".mp4"):
            self.keys("a")
            self.find("#reference-prompt").send_keys("Test Person" + Keys.ENTER)
            self.wait.until(lambda b: target not in self.review_paths() or "failed" in self.toast_text())

        # ? shows the shortcuts.
        self.browser.find_element(By.TAG_NAME, "body").click()
        self.keys("?")
        self.wait.until(EC.visibility_of_element_located((By.ID, "help")))
        self.screenshot("shortcuts")


class SearchAndSettingsTests(BrowserTest):
    def test_face_search_by_upload_finds_the_person(self):
        photos = sorted((server.testdata / "faces_identity" / "deepface").glob("img1.jpg"))
        self.sign_in()
        self.go("search")
        self.find("#search-file").send_keys(str(photos[0]))
        self.find("#search-faces").click()
        match = self.find('[data-testid="search-match"]')
        self.assertTrue(match.get_attribute("data-face-id"))
        self.screenshot("search")

    def test_text_and_similar_image_search_find_the_encoded_photos(self):
        # Flat-colour photos encoded through the API; the tiny CLIP ranks them by colour.
        colours = {"ui-red": (210, 30, 30), "ui-dark-red": (140, 20, 25), "ui-green": (30, 190, 40), "ui-blue": (30, 40, 200)}
        for image_id, colour in colours.items():
            path = server.photos / f"{image_id}.png"
            path.write_bytes(solid_png(colour))
            status, answer = server.request("POST", "/images/encode", {"image_id": image_id, "image_path": str(path)})
            self.assertEqual(status, 200, answer)
        self.sign_in()
        self.go("search")
        query = self.wait.until(EC.element_to_be_clickable((By.ID, "text-search")))
        query.send_keys("a red car", Keys.ENTER)
        self.wait_until(lambda: len(self.all('[data-testid="image-match"]')) == 4, "no text-search results")
        ranked = [item.get_attribute("data-image-id") for item in self.all('[data-testid="image-match"]')]
        self.assertEqual(sorted(ranked[:2]), ["ui-dark-red", "ui-red"], ranked)
        self.find("#similar-file").send_keys(str(server.photos / "ui-blue.png"))
        self.find("#similar-search-go").click()
        self.wait_until(lambda: self.all('[data-testid="image-match"]') and
                        self.all('[data-testid="image-match"]')[0].get_attribute("data-image-id") == "ui-blue",
                        "the similar-image search did not put the same photo first")
        self.screenshot("search-by-text")

    def test_settings_show_status_and_save_routing(self):
        self.sign_in()
        self.go("settings")
        status = self.find("#status")
        self.wait.until(lambda b: "faces" in status.text)
        self.assertIn("cpu", status.text)
        tolerance = self.find("#setting-tolerance")
        tolerance.clear()
        tolerance.send_keys("0.55")
        self.find("#save-settings").click()
        self.wait.until(EC.text_to_be_present_in_element((By.ID, "settings-message"), "Saved"))
        self.assertAlmostEqual(server.api("GET", "/api/settings/face-recognition")["tolerance"], 0.55)
        self.screenshot("settings")


class PhoneTests(BrowserTest):
    def setUp(self):
        super().setUp()
        self.browser.set_window_size(390, 844)

    def test_pages_fit_a_phone_screen(self):
        self.sign_in()
        for page in ("people", "suggestions", "review", "search", "settings"):
            self.go(page)
            self.find("h1")
            time.sleep(0.3)
            overflow = self.browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            self.assertLessEqual(overflow, 0, f"{page} scrolls sideways on a phone")
        self.go("people")
        self.find('[data-testid="person-card"]')
        self.screenshot("people-phone")


if __name__ == "__main__":
    unittest.main()
