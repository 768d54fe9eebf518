"""The PPTX drawn by LibreOffice and the PDF drawn by WeasyPrint look alike, slide by slide, in every locale.

Both PDFs are rasterised at the same size and compared after a light blur (which
forgives anti-aliasing and sub-pixel glyph placement, not moved or recoloured
boxes).  The threshold comes from measurement, see ``MAX_MEAN_DIFF``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from conftest import EXAMPLE_DIR, copy_project, run_cli_ok

LOCALES = ["en", "de", "el", "es", "fr", "nl"]
DPI = 30  # 400 x 225 px per slide
#: mean absolute difference per pixel (0-255, greyscale, after a 1 px blur) allowed per slide.
#: Measured on the example deck, 90 slides in six locales: 0.81-4.96 (anti-aliasing, and the odd
#: line LibreOffice wraps one word earlier; the worst is the dense "beliefs" slide). Shifting a
#: whole slide's content by 6 pt gives 6.2, by 12 pt 10.5: 6.5 lets the first through and no more.
MAX_MEAN_DIFF = 6.5

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
        b = b.resize(a.size)
    blur = ImageFilter.GaussianBlur(1)
    return ImageStat.Stat(ImageChops.difference(a.filter(blur), b.filter(blur))).mean[0]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Image.Image], list[Image.Image]]]:
    """For each locale: the LibreOffice rendering of the PPTX and the WeasyPrint PDF, as images."""
    tmp = tmp_path_factory.mktemp("parity")
    root = copy_project(tmp / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        run_cli_ok("build", EXAMPLE_DIR, "--out", "out")
    out = root / "out" / "hcsmeu-anniversary"
    pptx = [out / loc / f"hcsmeu-anniversary-{loc}.pptx" for loc in LOCALES]
    lo = tmp / "lo"
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(root, tmp))}
    subprocess.run([_need("soffice"), "--headless", f"-env:UserInstallation=file://{tmp / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(lo), *map(str, pptx)],
                   check=True, capture_output=True, env=env, timeout=600)
    images = {}
    for loc in LOCALES:
        lo_pages = _pages(lo / f"hcsmeu-anniversary-{loc}.pdf", tmp, f"lo-{loc}")
        pdf_pages = _pages(out / loc / f"hcsmeu-anniversary-{loc}.pdf", tmp, f"wp-{loc}")
        images[loc] = (lo_pages, pdf_pages)
    return images


@pytest.mark.parametrize("locale", LOCALES)
def test_pptx_and_pdf_look_alike_slide_by_slide(rendered, locale: str) -> None:
    lo_pages, pdf_pages = rendered[locale]
    assert len(lo_pages) == len(pdf_pages) == 15
    drift = {n: round(mean_diff(a, b), 2) for n, (a, b) in enumerate(zip(lo_pages, pdf_pages), start=1)}
    bad = {n: d for n, d in drift.items() if d > MAX_MEAN_DIFF}
    assert not bad, f"[{locale}] slides drifting between PPTX and PDF (mean diff > {MAX_MEAN_DIFF}): {bad}; all: {drift}"


def test_the_comparison_catches_a_moved_title(rendered) -> None:
    """The measure is not blind: shifting one rendering by 12 pt exceeds the threshold."""
    lo_pages, _ = rendered["en"]
    slide = lo_pages[1]
    shifted = ImageChops.offset(slide, 0, round(12 * DPI / 72))
    assert mean_diff(slide, shifted) > MAX_MEAN_DIFF


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
