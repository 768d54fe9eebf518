"""Contrast of text on its background (``deckgen.contrast``): WCAG 2.2's ratios, the shipped brands,
and a faint brand warned about through the real ``deckgen`` program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR, REPO, run_cli_ok

from deckgen.brand import known_brands
from deckgen.contrast import is_large, ratio

BRANDS = known_brands(REPO)
DECKS = sorted(p.parent.name for p in (REPO / "decks").glob("*/deck.yaml"))


@pytest.mark.parametrize("a, b, expected", [
    ("#000000", "#FFFFFF", 21.0),
    ("#FFFFFF", "#FFFFFF", 1.0),
    ("#767676", "#FFFFFF", 4.54),  # the lightest grey that passes on white
    ("#0B4F6C", "#FFFFFF", 8.94),  # the community brand's primary
    ("#FFFFFF", "#137C78", 5.02),  # white on its secondary (brand.yaml says 5.0:1)
])
def test_ratio_follows_wcag(a, b, expected):
    assert ratio(a, b) == pytest.approx(expected, abs=0.01)
    assert ratio(b, a) == ratio(a, b)


def test_large_text_is_18_pt_or_14_pt_bold():
    assert is_large(18, False) and is_large(14, True)
    assert not is_large(17.5, False) and not is_large(13.5, True)


@pytest.mark.parametrize("brand", BRANDS)
def test_shipped_brands_pass(project, brand):
    """Every example deck, in every language it has, in every shipped brand: no contrast warning."""
    for deck in DECKS:
        shutil.copytree(REPO / "decks" / deck, project / "decks" / deck, dirs_exist_ok=True)
    result = run_cli_ok("build", *(f"decks/{d}" for d in DECKS), "--brand", brand, "--format", "pptx",
                        "--out", "out")
    assert "contrast" not in result.output


def _faint_brand(project: Path) -> Path:
    folder = project / "assets" / "brands" / "faint"
    folder.mkdir(parents=True)
    (folder / "brand.yaml").write_text(textwrap.dedent("""\
        extends: hcsmeu
        name: Faint
        hashtag: "#faint"
        colors:
          secondary: "#9FD3CF"   # pale teal: section slides, kickers
          muted: "#A0A8B0"
        """), encoding="utf-8")
    return folder / "brand.yaml"


def _deckgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("deckgen")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))


@pytest.mark.slow
def test_a_faint_brand_is_warned_about_with_its_line(project):
    _faint_brand(project)
    result = _deckgen("build", str(EXAMPLE_DIR), "--brand", "faint", "--out", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "contrast" in line]
    # once per pair of colours and size class, not once per language
    assert len(lines) == len(set(lines)) == 6, lines
    assert ("Warning: assets/brands/faint/brand.yaml:5:14: slide beliefs [en]: large text in colors.secondary "
            "#9FD3CF on colors.background #FFFFFF") in result.stderr
    assert "has a contrast of 1.65:1, below the 3:1 WCAG 2.2 asks for (first on slide 'beliefs', kicker)" \
        in result.stderr
    assert ("Warning: assets/brands/faint/brand.yaml:6:10: slide identity [en]: text in colors.muted #A0A8B0 "
            "on colors.background #FFFFFF") in result.stderr
    # white text (a default, in no file) on the pale section background: located at the background's line
    assert ("Warning: assets/brands/faint/brand.yaml:5:14: slide one-year [en]: large text in colors.on_primary "
            "#FFFFFF on colors.secondary #9FD3CF") in result.stderr


@pytest.mark.slow
def test_a_faint_brand_fails_check_and_strict_builds(project):
    _faint_brand(project)
    check = _deckgen("check", str(EXAMPLE_DIR), "--brand", "faint", "--locale", "en", cwd=project)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "Error: assets/brands/faint/brand.yaml:5:14" in check.stderr
    strict = _deckgen("build", str(EXAMPLE_DIR), "--brand", "faint", "--locale", "en", "--strict",
                      "--out", "out", cwd=project)
    assert strict.returncode == 1 and "(--strict: warnings are errors)" in strict.stderr
    assert not (project / "out" / "hcsmeu-anniversary").exists()
