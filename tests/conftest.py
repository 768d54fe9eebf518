"""Shared fixtures: a copied project to work in, and the example deck built once per session.

Tests never write into the repository: ``project`` copies the example deck, the
assets (brands, fonts) and the project layouts into ``tmp_path`` and works there.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = "hcsmeu-anniversary"
EXAMPLE_DIR = Path("decks") / EXAMPLE
#: the example deck is built in its source language only (``--locale en``); translations are not tested here
EXAMPLE_LOCALE = ("--locale", "en")
#: where ``deckgen build decks/hcsmeu-anniversary --out out`` writes, relative to the project
EXAMPLE_OUT = Path("out") / EXAMPLE / "en"
PPTX_NAME = f"{EXAMPLE}-en.pptx"
PDF_NAME = f"{EXAMPLE}-en.pdf"

#: the example deck's slides in order: (id, kind, title as shown, i.e. without inline markup)
EXAMPLE_SLIDES = [
    ("cover", "title", "HCSMEU"),
    ("identity", "bullets", "#hcsmeu: many identities"),
    ("beliefs", "statement", "Our beliefs"),
    ("mission", "statement", "Our mission"),
    ("imperatives", "numbered", "Our strategic imperatives"),
    ("figures", "figures", "#hcsmeu in a few figures"),
    ("quote", "quote", "#hcsmeu: a network that grows"),
    ("one-year", "section", "#hcsmeu, 1 year…"),
    ("french-chapter", "section", "#hcsmeu fr"),  # "#hcsmeu ~fr~": "fr" is a subscript
    ("why-french", "bullets", "#hcsmeu fr"),
    ("take-part", "bullets", "How to take part?"),
    ("when", "schedule", "When?"),
    ("where", "channels", "Where?"),
    ("ecosystem", "image", "#hcsmeu fr: digital ecosystem"),
    ("thanks", "people", "Thanks"),
]
EXAMPLE_TITLES = [title for _, _, title in EXAMPLE_SLIDES]
ALL_KINDS = ["title", "bullets", "statement", "numbered", "figures", "quote",
             "section", "schedule", "channels", "people", "image", "table", "columns", "qr", "chart"]


def copy_project(dest: Path) -> Path:
    """Copy the example deck, ``assets/`` and ``layouts/`` (when present) of the repo into *dest*."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / EXAMPLE_DIR, dest / EXAMPLE_DIR)
    for name in ("assets", "layouts"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    return dest


def run_cli(*args: str | Path) -> Result:
    """``deckgen ARGS`` in-process; exceptions other than exits are recorded, not raised."""
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="deckgen")


def run_cli_ok(*args: str | Path) -> Result:
    """``deckgen ARGS`` that must succeed: any exception propagates with its traceback."""
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="deckgen", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project (example deck, assets, layouts) in ``tmp_path``, made the working directory."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def write_deck(project: Path) -> Callable[..., Path]:
    """Write ``decks/<name>/deck.yaml`` from a (dedented) string; return the deck folder, relative to the project."""

    def write(text: str, name: str = "t") -> Path:
        folder = Path("decks") / name
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / "deck.yaml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return folder

    return write


@dataclass(frozen=True)
class Built:
    """The example deck built by the CLI: the project it was built in, the outputs and the CLI result."""

    root: Path
    pptx: Path
    pdf: Path
    result: Result


def _build_example(root: Path) -> Built:
    copy_project(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = run_cli_ok("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--out", "out")
    return Built(root, root / EXAMPLE_OUT / PPTX_NAME, root / EXAMPLE_OUT / PDF_NAME, result)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example deck built once per session with ``deckgen build decks/hcsmeu-anniversary --locale en``."""
    return _build_example(tmp_path_factory.mktemp("built") / "project")


@pytest.fixture(scope="session")
def built_again(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A second, independent build of the example deck, in another folder (for reproducibility)."""
    return _build_example(tmp_path_factory.mktemp("built-again") / "elsewhere" / "project")
