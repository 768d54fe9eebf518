"""Compiled layouts shared by every layout environment of a process (``deckgen.layouts.COMPILED``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment

from conftest import REPO

from deckgen import layouts
from deckgen.layouts import PACKAGE_LAYOUTS, SLIDE_LAYOUTS, Sandbox, environment


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on, with an empty cache."""
    monkeypatch.setattr(layouts, "COMPILED", layouts.CompiledLayouts())
    seen: list[str] = []
    original = SandboxedEnvironment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        if not raw:
            seen.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(SandboxedEnvironment, "compile", compile)
    return seen


def test_a_layout_is_compiled_once_for_every_environment(compiles: list[str], tmp_path: Path):
    """Two decks (two search paths and sandboxes) and two locales: deck.html.j2 compiled once."""
    envs = [environment([PACKAGE_LAYOUTS], Sandbox({"deck.invalid": tmp_path / name})) for name in ("a", "b")]
    for env in envs + envs:
        assert env.get_template("deck.html.j2").filename == str(PACKAGE_LAYOUTS / "deck.html.j2")
    assert compiles == ["deck.html.j2"]


def test_each_environment_keeps_its_own_settings(compiles: list[str], tmp_path: Path):
    """The code is shared; the filters (the sandbox of each deck) stay the environment's own."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "logo.html.j2").write_text("{{ path | asset_url }}", encoding="utf-8")
    for n in ("one", "two"):
        (tmp_path / n).mkdir()
        (tmp_path / n / "logo.png").write_bytes(b"")
        env = environment([folder], Sandbox({f"{n}.invalid": tmp_path / n}))
        assert env.get_template("logo.html.j2").render(path=tmp_path / n / "logo.png") == f"https://{n}.invalid/logo.png"
    assert compiles == ["logo.html.j2"]


def test_a_changed_layout_is_compiled_again(compiles: list[str], tmp_path: Path):
    """The cache is keyed by the source's checksum: an edited override (deckgen serve) shows at once."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "x.html.j2").write_text("one", encoding="utf-8")
    assert environment([folder], Sandbox()).get_template("x.html.j2").render() == "one"
    (folder / "x.html.j2").write_text("two", encoding="utf-8")
    assert environment([folder], Sandbox()).get_template("x.html.j2").render() == "two"
    assert compiles == ["x.html.j2", "x.html.j2"]


def test_an_override_of_the_same_name_is_its_own_layout(compiles: list[str], tmp_path: Path):
    """A deck's slide.html.j2 is not taken for the packaged one of the same name (nor the reverse)."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "slide.html.j2").write_text("mine", encoding="utf-8")
    packaged = environment([PACKAGE_LAYOUTS], Sandbox()).get_template("slide.html.j2")
    assert environment([folder, PACKAGE_LAYOUTS], Sandbox()).get_template("slide.html.j2").render() == "mine"
    assert environment([PACKAGE_LAYOUTS], Sandbox()).get_template("slide.html.j2").filename == packaged.filename
    assert compiles == ["slide.html.j2", "slide.html.j2"]


def test_the_fork_server_compiles_the_slide_layouts_for_its_workers():
    """After the preload (what the workers inherit), the slide layouts need no compiling."""
    code = textwrap.dedent("""
        from deckgen import layouts, workers
        workers.preload()
        from jinja2.sandbox import SandboxedEnvironment
        def refuse(*args, **kwargs):
            raise AssertionError("compiled again")
        SandboxedEnvironment.compile = refuse
        env = layouts.environment([layouts.PACKAGE_LAYOUTS], layouts.Sandbox())
        for name in layouts.SLIDE_LAYOUTS:
            env.get_template(name)
        print(len(layouts.COMPILED.code))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.split()[-1]) >= len(SLIDE_LAYOUTS)
