"""The page of ``deckgen serve`` in a real browser (Debian's Chromium, driven through Selenium), used
the way an organiser and a translator use it.

The screenshots of docs/serve.md come from these tests; to take them again:
``DECKGEN_SCREENSHOTS=docs/images .venv/bin/python -m pytest tests/test_browser.py``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from conftest import EXAMPLE_DIR, REPO
from serving import Served, chromium, need, quit_chromium
from test_parity import mean_diff

pytestmark = pytest.mark.slow

DECK = EXAMPLE_DIR / "deck.yaml"
PO_FR = EXAMPLE_DIR / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
MISSION = 3  # the index of the slide 'mission' (4th)
#: mean absolute difference per pixel (0-255, greyscale, after a 1 px blur, 400 x 225 px) allowed
#: between a slide drawn by Chromium in the page (at its own size) and the same PDF page drawn by
#: pdftoppm. Measured on the example deck: 0.42-2.89 (anti-aliasing; the dense "beliefs" and
#: "imperatives" slides highest), with every line wrapped alike. Moving a dense slide down by one
#: pixel (2.4 pt) gives 6.2-7.0: 3.5 lets the first through and not the second.
MAX_MEAN_DIFF = 3.5


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = chromium()
    yield driver
    quit_chromium(driver)


@pytest.fixture
def served(project: Path, browser: Any) -> Iterator[Served]:
    server = Served(project, str(EXAMPLE_DIR))
    yield server
    browser.get("about:blank")  # close the page's event stream before the server stops
    browser.get_log("browser")
    server.stop()


def shots() -> Path:
    """Where screenshots go: $DECKGEN_SCREENSHOTS (relative to the repository), else a temporary folder."""
    wanted = os.environ.get("DECKGEN_SCREENSHOTS")
    folder = REPO / wanted if wanted else Path(tempfile.gettempdir()) / "deckgen-shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(driver: Any, name: str) -> None:
    """Save the window as <name>.png in :func:`shots`, at a size the docs can show."""
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    image.thumbnail((1200, 1200))
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(shots() / f"{name}.png", optimize=True)


def wait(driver: Any, script: str, timeout: float = 20) -> Any:
    """Wait until the JavaScript expression *script* is truthy in the page; its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(f"return {script}"))


def open_page(driver: Any, server: Served, query: str = "") -> None:
    driver.get(server.base + "/" + query)
    wait(driver, "document.querySelectorAll('.dg-main .dg-target section.slide').length === 15")
    wait(driver, "document.getElementById('dg-status').textContent === 'live'")
    wait(driver, "document.fonts.status === 'loaded'")


def console_errors(driver: Any) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def slide_text(driver: Any, n: int, side: str = "dg-target") -> str:
    return driver.execute_script(f"return document.querySelector('.dg-item[data-n=\"{n}\"] .{side}').innerText")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def click_frame(driver: Any, n: int, name: str, side: str = "dg-target") -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'.dg-item[data-n="{n}"] .{side} .frame[data-name="{name}"]').click()


def show(driver: Any, n: int) -> None:
    """Scroll slide *n* to the middle of the page (for a screenshot)."""
    driver.execute_script(f"document.querySelector('.dg-item[data-n=\"{n}\"]').scrollIntoView({{block: 'center'}})")


def type_into(driver: Any, selector: str, text: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    area = driver.find_element(By.CSS_SELECTOR, selector)
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(text)
    return area


# --- organisers ---------------------------------------------------------------------------

def test_a_title_saved_in_deck_yaml_appears_and_only_its_slide_is_redrawn(browser: Any, served: Served) -> None:
    open_page(browser, served)
    screenshot(browser, "serve-slides")
    browser.execute_script("window.dgFirst = document.querySelector('.dg-item[data-n=\"0\"] .dg-target .dg-scaler')")
    edit(DECK, "title: Our mission", "title: Our mission, renewed")
    wait(browser, f"document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-target').innerText"
                  ".includes('Our mission, renewed')")
    assert browser.execute_script("return window.dgFirst.isConnected")  # slide 1 was not drawn again
    thumb = browser.execute_script(f"return document.querySelector('.dg-thumb[data-n=\"{MISSION}\"]').innerText")
    assert "Our mission, renewed" in thumb
    assert console_errors(browser) == []


def test_a_yaml_error_shows_its_line_and_the_slides_stay_marked_stale(browser: Any, served: Served) -> None:
    open_page(browser, served)
    edit(DECK, "title: Our mission", "title: [Our mission")
    line = next(i for i, t in enumerate(DECK.read_text(encoding="utf-8").splitlines(), 1) if "[Our mission" in t)
    wait(browser, "!document.getElementById('dg-problems').hidden")
    problems = browser.find_element("id", "dg-problems").text
    assert "decks/hcsmeu-anniversary/deck.yaml:" in problems
    assert f"deck.yaml:{line}:" in problems or f"deck.yaml:{line + 1}:" in problems
    assert browser.execute_script("return document.body.classList.contains('dg-stale')")
    assert "Our mission" in slide_text(browser, MISSION)  # the last good slides are still there
    screenshot(browser, "serve-stale")
    edit(DECK, "title: [Our mission", "title: Our mission")
    wait(browser, "document.getElementById('dg-problems').hidden && !document.body.classList.contains('dg-stale')")
    assert console_errors(browser) == []


def test_a_warning_is_drawn_on_its_frame(browser: Any, served: Served) -> None:
    open_page(browser, served)
    edit(DECK, "title: Our mission", "title: " + "Our mission, which is much too long for one slide title " * 4)
    wait(browser, f"document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-target .dg-mark.dg-kind-overflow')")
    label = browser.execute_script(
        f"return document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-target .dg-mark-label').textContent")
    assert "title is" in label and "% too long for its box" in label
    assert "1 warning" in browser.find_element("id", "dg-summary").text
    show(browser, MISSION)
    screenshot(browser, "serve-warning")
    assert console_errors(browser) == []


# --- translators --------------------------------------------------------------------------

def test_a_translation_typed_in_the_page_lands_in_the_catalog_and_the_next_build(
        browser: Any, served: Served, project: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, served, "?locale=fr&mode=translate")
    assert "Our mission" in slide_text(browser, MISSION, "dg-source")
    click_frame(browser, MISSION, "title")
    wait(browser, "document.querySelector('.dg-msg .dg-ctx').textContent === 'mission.title'")
    editor = browser.find_element(By.ID, "dg-editor").text
    assert "Our mission" in editor and "room: its box ('title')" in editor  # source, comment, room
    type_into(browser, ".dg-msg textarea", "Notre raison d'être")
    # each keystroke shows on the slide, before anything is saved
    wait(browser, f"document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-target').innerText"
                  ".includes(\"Notre raison d'être\")")
    assert "Notre raison d'être" not in PO_FR.read_text(encoding="utf-8")
    show(browser, MISSION)
    screenshot(browser, "serve-translate")
    browser.find_element(By.CSS_SELECTOR, ".dg-msg .dg-save").click()
    wait(browser, "document.querySelector('.dg-msg .dg-result').textContent.startsWith('Saved in')")
    assert 'msgstr "Notre raison d\'être"' in PO_FR.read_text(encoding="utf-8")
    subprocess.run([need("msgfmt"), "--check", "-o", "/dev/null", str(PO_FR)], check=True)
    subprocess.run([sys.executable, "-m", "deckgen", "build", str(EXAMPLE_DIR), "-l", "fr", "-f", "pdf",
                    "--out", "out"], check=True, capture_output=True)
    text = PdfReader(project / "out" / "hcsmeu-anniversary" / "fr" / "hcsmeu-anniversary-fr.pdf").pages[MISSION]
    assert "Notre raison d'être" in (text.extract_text() or "")
    assert console_errors(browser) == []


def test_typing_shows_how_the_text_fits(browser: Any, served: Served) -> None:
    open_page(browser, served, "?locale=fr&mode=translate")
    click_frame(browser, MISSION, "title")
    wait(browser, "document.querySelector('.dg-msg .dg-room').textContent.includes('Fits at full size')")
    type_into(browser, ".dg-msg textarea", "Notre mission, " * 12)
    wait(browser, "document.querySelector('.dg-msg .dg-room').textContent.includes('Too long')")
    assert browser.execute_script(
        f"return !!document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-target .dg-mark.dg-kind-overflow')")
    type_into(browser, ".dg-msg textarea", "Notre **mission")
    wait(browser, "document.querySelector('.dg-msg .dg-room').textContent.includes('Fits at full size')")
    type_into(browser, ".dg-msg textarea", "%(nope)s")
    wait(browser, "document.querySelector('.dg-msg .dg-check').textContent.includes('placeholders')")
    assert console_errors(browser) == []


def test_a_conflicting_change_on_disk_is_reported_and_nothing_is_lost(browser: Any, served: Served) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, served, "?locale=fr&mode=translate")
    click_frame(browser, MISSION, "title")
    area = type_into(browser, ".dg-msg textarea", "Ma mission")
    edit(PO_FR, 'msgstr "Notre mission"', 'msgstr "Leur mission"')  # a git pull, another editor
    wait(browser, "!document.querySelector('.dg-msg .dg-conflict').hidden")
    conflict = browser.find_element(By.CSS_SELECTOR, ".dg-msg .dg-conflict").text
    assert "Leur mission" in conflict and "Ma mission" in conflict
    assert area.get_attribute("value") == "Ma mission"
    browser.find_element(By.CSS_SELECTOR, ".dg-msg .dg-save").click()  # refused: the file keeps its text
    wait(browser, "document.querySelector('.dg-msg .dg-result').textContent === ''")
    assert 'msgstr "Leur mission"' in PO_FR.read_text(encoding="utf-8")
    show(browser, MISSION)
    screenshot(browser, "serve-conflict")
    browser.find_element(By.CSS_SELECTOR, ".dg-msg .dg-keep").click()
    wait(browser, "document.querySelector('.dg-msg .dg-result').textContent.startsWith('Saved in')")
    assert 'msgstr "Ma mission"' in PO_FR.read_text(encoding="utf-8")
    assert console_errors(browser) == []


def test_deck_text_is_escaped_on_the_slides_and_in_the_editor(browser: Any, served: Served) -> None:
    hostile = '<img src=x onerror="window.dgPwned=1">'
    edit(DECK, "title: Our mission", f"title: '{hostile}'")
    subprocess.run([sys.executable, "-m", "deckgen", "i18n", "update", str(EXAMPLE_DIR)], check=True,
                   capture_output=True)
    open_page(browser, served, "?locale=fr&mode=translate")
    wait(browser, f"document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-source').innerText.includes('<img')")
    click_frame(browser, MISSION, "title")
    wait(browser, "document.querySelector('.dg-msg .dg-source-text')")
    assert browser.execute_script("return document.querySelector('.dg-msg .dg-source-text').textContent") == hostile
    type_into(browser, ".dg-msg textarea", "<script>window.dgPwned=2</script><b>x</b>")
    wait(browser, f"document.querySelector('.dg-item[data-n=\"{MISSION}\"] .dg-target').innerText.includes('<script>')")
    assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"], .slide script, .slide b').length") == 0
    assert browser.execute_script("return window.dgPwned === undefined")
    assert console_errors(browser) == []


def test_the_html_export_opens_in_the_browser(browser: Any, served: Served) -> None:
    browser.get(served.base + "/export.html?locale=el")
    wait(browser, "document.querySelector('.dg-count').textContent === '1 / 15'")
    from selenium.webdriver.common.keys import Keys

    browser.find_element("tag name", "body").send_keys(Keys.ARROW_RIGHT)
    wait(browser, "document.querySelector('.dg-count').textContent === '2 / 15' && location.hash === '#2'")
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    for kind, x in (("touchStart", 900), ("touchMove", 600), ("touchEnd", 300)):  # a swipe to the left
        points = [] if kind == "touchEnd" else [{"x": x, "y": 300}]
        browser.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    wait(browser, "document.querySelector('.dg-count').textContent === '3 / 15'")
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
    assert browser.execute_script("return document.documentElement.lang") == "el-GR"
    assert console_errors(browser) == []


# --- parity with the PDF ------------------------------------------------------------------

def test_the_served_slides_look_like_the_pdf_pages(browser: Any, served: Served, project: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "deckgen", "build", str(EXAMPLE_DIR), "-l", "en", "-f", "pdf",
                    "--out", "out"], check=True, capture_output=True)
    pdf = project / "out" / "hcsmeu-anniversary" / "en" / "hcsmeu-anniversary-en.pdf"
    subprocess.run([need("pdftoppm"), "-r", "30", "-png", str(pdf), str(tmp_path / "pdf")], check=True)
    pages = [Image.open(p).convert("L") for p in sorted(tmp_path.glob("pdf-*.png"))]
    browser.set_window_size(1620, 950)  # room for slides at their own size (scale 1)
    open_page(browser, served)
    assert browser.execute_script("return getComputedStyle(document.getElementById('dg-main'))"
                                  ".getPropertyValue('--dg-scale')") == "1.0000"
    browser.find_element("id", "dg-show-marks").click()  # the page's own marks are not part of the slide
    drift = {}
    for n, page in enumerate(pages):
        element = browser.find_element("css selector", f'.dg-item[data-n="{n}"] .dg-target')
        shot = Image.open(io.BytesIO(element.screenshot_as_png)).convert("L").resize(page.size, Image.LANCZOS)
        drift[n + 1] = round(mean_diff(page, shot), 2)
        if n == 2:  # the densest slide
            moved = ImageChops.offset(shot, 0, 1)  # the measure is not blind: 2.4 pt lower is too far
            assert mean_diff(page, moved) > MAX_MEAN_DIFF
    assert len(drift) == 15
    bad = {n: d for n, d in drift.items() if d > MAX_MEAN_DIFF}
    browser.set_window_size(1500, 950)
    assert not bad, f"slides drifting between the page and the PDF: {bad}; all: {drift}"
    assert console_errors(browser) == []
