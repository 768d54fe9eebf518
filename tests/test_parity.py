"""The PPTX drawn by LibreOffice and the PDF drawn by WeasyPrint look alike, slide by slide: every
example deck, in every language it has, in its own brand and in every chapter's.

Both PDFs are rasterised at the same size and compared after a light blur (which
forgives anti-aliasing and sub-pixel glyph placement, not moved or recoloured
boxes). Each PPTX is converted once, all of them in one LibreOffice call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from conftest import EXAMPLE_DIR, REPO, copy_project, run_cli_ok

from deckgen.brand import known_brands, load_brand
from deckgen.load import load_deck

DPI = 30  # 400 x 225 px per slide
#: mean absolute difference per pixel (0-255, greyscale, after a 1 px blur), over a deck's slides
#: and at its worst slide (issue 15). Measured on the 22 decks of this test: means 2.0-2.5 and worst
#: slides 3.3-4.9 (anti-aliasing, and the odd line LibreOffice wraps one word differently); before the
#: shadows, link colours and chapter themes were fixed, the Swiss and German chapters reached 4.5 and 8.2.
#: Since LibreOffice's extra pixel column is cropped instead of squeezed (issue 16), the 29 decks of
#: the test measure means 1.2-2.0 and worst slides 1.5-4.2; the yearly report's chart slide below 1.8.
MAX_MEAN_DIFF = 2.5
MAX_SLIDE_DIFF = 5.0
DECKS = sorted(p.parent.name for p in (REPO / "decks").glob("*/deck.yaml"))

pytestmark = pytest.mark.slow


def _need(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is missing: scripts/setup --test installs it")
    return exe


def _fontconfig(root: Path, tmp: Path) -> Path:
    """A fontconfig file that adds the project's fonts, so LibreOffice draws with the brand fonts."""
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{root / 'assets' / 'fonts'}</dir>\n"
        f"  <cachedir>{tmp / 'fc-cache'}</cachedir>\n</fontconfig>\n", encoding="utf-8")
    return conf


def _pages(pdf: Path, out: Path, prefix: str) -> list[Image.Image]:
    subprocess.run([_need("pdftoppm"), "-r", str(DPI), "-png", str(pdf), str(out / prefix)], check=True)
    return [Image.open(p).convert("L") for p in sorted(out.glob(f"{prefix}-*.png"))]


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        # LibreOffice's pages are 960.009 pt wide: one pixel more at this resolution. That pixel is
        # cropped; squeezing the page into the other's width moved the right of every slide by up to
        # a pixel (issue 16: the many bar edges of a chart doubled its difference)
        if abs(a.width - b.width) <= 1 and abs(a.height - b.height) <= 1:
            size = (min(a.width, b.width), min(a.height, b.height))
            a, b = a.crop((0, 0, *size)), b.crop((0, 0, *size))
        else:
            b = b.resize(a.size)
    blur = ImageFilter.GaussianBlur(1)
    return ImageStat.Stat(ImageChops.difference(a.filter(blur), b.filter(blur))).mean[0]


def _units(root: Path) -> list[tuple[str, str | None, str]]:
    """(deck, chapter or None, locale): every deck in each of its languages in its own brand, and in
    every chapter brand that has one of its languages."""
    units = []
    for deck in DECKS:
        folder = root / "decks" / deck
        languages = {p.parent.parent.name for p in folder.glob("locales/*/LC_MESSAGES/deck.po")}
        languages.add(load_deck(folder).deck.language)
        units += [(deck, None, loc) for loc in sorted(languages)]
        for brand in known_brands(root):
            spec = load_brand(brand, root).spec
            units += [(deck, brand, loc) for loc in spec.languages if loc in languages]
    return units


def _built(root: Path, deck: str, chapter: str | None, locale: str, fmt: str) -> Path:
    if chapter is None:
        return root / "out" / deck / locale / f"{deck}-{locale}.{fmt}"
    return root / "out" / deck / chapter / locale / f"{deck}-{chapter}-{locale}.{fmt}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Image.Image], list[Image.Image]]]:
    """For each unit: the LibreOffice rendering of the PPTX and the WeasyPrint PDF, as images."""
    tmp = tmp_path_factory.mktemp("parity")
    root = copy_project(tmp / "project")
    for deck in DECKS:
        shutil.copytree(REPO / "decks" / deck, root / "decks" / deck, dirs_exist_ok=True)
    units = _units(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        run_cli_ok("build", *(f"decks/{d}" for d in DECKS), "--out", "out")
        for chapter in sorted({c for _, c, _ in units if c}):
            for deck in sorted({d for d, c, _ in units if c == chapter}):
                locales = [f"--locale={loc}" for d, c, loc in units if (d, c) == (deck, chapter)]
                run_cli_ok("build", f"decks/{deck}", "--brand", chapter, *locales, "--out", "out")
    # one LibreOffice call for every PPTX (each start costs seconds); names made unique
    inbox = tmp / "pptx"
    inbox.mkdir()
    names = {}
    for i, unit in enumerate(units):
        names[unit] = f"{i:03d}"
        shutil.copy(_built(root, *unit, "pptx"), inbox / f"{i:03d}.pptx")
    lo = tmp / "lo"
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(root, tmp))}
    subprocess.run([_need("soffice"), "--headless", f"-env:UserInstallation=file://{tmp / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(lo), *sorted(map(str, inbox.glob("*.pptx")))],
                   check=True, capture_output=True, env=env, timeout=1200)
    images = {}
    for unit in units:
        label = "/".join(x for x in unit if x)
        images[label] = (_pages(lo / f"{names[unit]}.pdf", tmp, f"lo-{names[unit]}"),
                         _pages(_built(root, *unit, "pdf"), tmp, f"wp-{names[unit]}"))
    return images


def test_every_deck_locale_and_brand_is_compared(rendered):
    labels = set(rendered)
    assert "hcsmeu-anniversary/el" in labels and "hcsmeu-anniversary/ch/de" in labels
    assert "hcsmeufr-premier-tweetup/uk/en" in labels
    assert len(labels) >= 20


def test_pptx_and_pdf_look_alike_slide_by_slide(rendered):
    report, bad = [], []
    for label, (lo_pages, pdf_pages) in sorted(rendered.items()):
        assert len(lo_pages) == len(pdf_pages) > 0, label
        drift = [mean_diff(a, b) for a, b in zip(lo_pages, pdf_pages)]
        mean, worst = sum(drift) / len(drift), max(drift)
        report.append(f"{label}: mean {mean:.2f}, worst {worst:.2f} (slide {drift.index(worst) + 1})")
        if mean > MAX_MEAN_DIFF or worst > MAX_SLIDE_DIFF:
            bad.append(report[-1])
    assert not bad, f"decks drifting between PPTX and PDF: {bad}; all: {report}"


def test_the_comparison_catches_a_moved_title(rendered):
    """The measure is not blind: shifting one rendering by 6 pt exceeds the per-slide limit."""
    lo_pages, _ = rendered["hcsmeu-anniversary/en"]
    slide = lo_pages[1]
    shifted = ImageChops.offset(slide, 0, round(6 * DPI / 72))
    assert mean_diff(slide, shifted) > MAX_SLIDE_DIFF


def test_libreoffice_uses_the_brand_fonts(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        run_cli_ok("build", EXAMPLE_DIR, "--locale", "el", "--format", "pptx", "--out", "out")
    pptx = root / "out/hcsmeu-anniversary/el/hcsmeu-anniversary-el.pptx"
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(root, tmp_path))}
    subprocess.run([_need("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
                   check=True, capture_output=True, env=env, timeout=600)
    fonts = subprocess.run([_need("pdffonts"), str(tmp_path / "hcsmeu-anniversary-el.pdf")],
                           check=True, capture_output=True, text=True).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    assert names and all(n.startswith("NotoSans") for n in names), names
