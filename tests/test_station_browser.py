"""A real browser at the front desk: Debian's chromium driven by Playwright (no browser download).

It uploads the bundled scanned sample, waits for the review page, corrects the member ID with
the keyboard, confirms with Enter, drafts and downloads the appeal and checks the DOCX holds the
corrected ID; then uploads two more letters and checks the worklist order. Screenshots of the
worklist and the review page go to ``$STATION_SCREENSHOTS`` (default: the test's tmp folder).

In CI (CI=true) a missing chromium or playwright is a failure, not a skip.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import IN_CI, SAMPLES
from tests.test_station_server import StationProcess

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.ocr]

CHROMIUM = os.environ.get("DENIALPARSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CORRECTED_ID = "U7770001234"


def _need(condition: bool, message: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(message + ": CI must install it (.ci/run -> install.sh)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def browser():
    _need(
        Path(CHROMIUM).is_file() or bool(shutil.which(CHROMIUM)),
        f"chromium is not installed at {CHROMIUM}",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "the playwright package is not installed")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def _wait_for_images(page, timeout: float = 30) -> None:
    # Not page.wait_for_function: it evaluates a string, which the station's CSP refuses.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(
            "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page images did not load")


def test_front_desk_in_a_real_browser(browser, tmp_path):
    shots = Path(os.environ.get("STATION_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    station = StationProcess(tmp_path / "data").start()
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(station.base + "/")
        assert page.locator("h1").inner_text() == "Worklist"

        # Upload the scan with the file picker; the station opens its review page.
        page.set_input_files("#letters", str(SAMPLES / "scan_cigna_cimt.pdf"))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_url(re.compile(r"/letters/1/$"))
        member = page.get_by_label("Member ID")
        member.wait_for(timeout=180_000)  # OCR of two pages; the page reloads itself when read
        assert member.input_value() == "U5822140903"

        # Selecting a field outlines its box on the page image.
        _wait_for_images(page)
        member.focus()
        box = page.locator("#page-1 .box")
        box.wait_for(state="visible")
        page.wait_for_timeout(600)  # the smooth scroll to the box
        page.screenshot(path=str(shots / "station-review.png"))
        field_box, page_box = box.bounding_box(), page.locator("#page-1 img").bounding_box()
        assert page_box["x"] <= field_box["x"] < page_box["x"] + page_box["width"] / 2
        assert page_box["y"] < field_box["y"] < page_box["y"] + page_box["height"] / 2
        page.screenshot(path=str(shots / "station-review.png"))

        # Tab moves to the next field, and the outline follows it; Shift+Tab comes back.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "f-claim_id"
        assert page.locator(".field.current #f-claim_id").count() == 1
        assert box.bounding_box()["y"] > field_box["y"]  # the claim number is printed below
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.id") == "f-member_id"

        # Keyboard only: type the corrected ID and press Enter, which confirms.
        page.keyboard.press("Control+A")
        page.keyboard.type(CORRECTED_ID)
        with page.expect_navigation():  # the form posts, then the station redirects back
            page.keyboard.press("Enter")
        assert page.locator("#letter-status").inner_text() == "confirmed"
        assert page.get_by_label("Member ID").input_value() == CORRECTED_ID

        with page.expect_navigation():
            page.get_by_role("button", name="Draft the appeal").click()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the appeal (DOCX)").click()
        path = download_info.value.path()
        text = _docx_text(Path(path).read_bytes())
        assert CORRECTED_ID in text and "U5822140903" not in text

        # Two more letters at once; the worklist is sorted by the earliest deadline.
        page.goto(station.base + "/")
        page.set_input_files(
            "#letters",
            [
                str(SAMPLES / "humana_partd_step" / "letter.pdf"),
                str(SAMPLES / "aetna_ma_prior_auth" / "letter.pdf"),
            ],
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Upload").click()
        for letter_id in (2, 3):
            station.wait_status(letter_id, {"to_review"})
        page.goto(station.base + "/")
        rows = page.locator("#worklist tbody tr")
        assert rows.count() == 3
        dues = [rows.nth(i).locator("time").inner_text() for i in range(3)]
        assert dues == sorted(dues)
        statuses = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)]
        assert "appeal ready" in statuses
        page.screenshot(path=str(shots / "station-worklist.png"), full_page=True)
        assert csp_errors == []  # nothing the page needs is blocked by its own policy
    finally:
        station.stop()
