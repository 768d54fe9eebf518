"""The ``deckgen`` command line (``deckgen.cli``), through click's CliRunner as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (ALL_KINDS, EXAMPLE_DIR, EXAMPLE_LOCALE, EXAMPLE_OUT, PDF_NAME, PPTX_NAME, REPO, run_cli,
                      run_cli_ok)
from pptx import Presentation

BROKEN_FIELD = "    itmes: [oops]\n"  # an unknown field, added to the 'identity' slide


def files_under(folder: Path) -> list[str]:
    # the build manifest (for incremental builds) is not an output
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.name != ".deckgen-manifest.json")


def break_example_deck(project: Path) -> int:
    """Add an unknown field to the example deck's 'identity' slide; return its line number."""
    file = project / EXAMPLE_DIR / "deck.yaml"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "- id: identity") + 3  # after kind, title
    lines.insert(at, BROKEN_FIELD)
    file.write_text("".join(lines), encoding="utf-8")
    return at + 1


# --- build --------------------------------------------------------------------------------


def test_build_writes_pptx_and_pdf(built):
    assert files_under(built.root / "out") == [
        f"hcsmeu-anniversary/en/{PDF_NAME}", f"hcsmeu-anniversary/en/{PPTX_NAME}"]


def test_build_prints_one_line_per_output_and_a_summary(built):
    lines = built.result.stdout.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(rf"wrote {re.escape(str(EXAMPLE_OUT / PPTX_NAME))} \(\d+\.\d KiB\)", lines[0])
    assert re.fullmatch(rf"wrote {re.escape(str(EXAMPLE_OUT / PDF_NAME))} \(\d+\.\d KiB\)", lines[1])
    assert re.fullmatch(r"built 2 files from 1 deck\(s\), \d+\.\d KiB, in \d+\.\d\d s", lines[2])


def test_build_prints_no_warnings_for_the_example(built):
    assert built.result.stderr == ""


def test_build_only_pptx(project):
    result = run_cli_ok("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--out", "out", "--format", "pptx")
    assert files_under(project / "out") == [f"hcsmeu-anniversary/en/{PPTX_NAME}"]
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["wrote", "built"]
    assert re.search(r"^built 1 files? ", result.stdout, re.M)
    assert len(Presentation(project / EXAMPLE_OUT / PPTX_NAME).slides) == 15


def test_build_quiet_prints_nothing(project):
    result = run_cli_ok("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--out", "out", "--format", "pptx", "--quiet")
    assert result.output == ""
    assert (project / EXAMPLE_OUT / PPTX_NAME).is_file()


def test_broken_deck_exits_1_with_a_located_error_and_writes_nothing(project):
    line = break_example_deck(project)
    result = run_cli("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--out", "out")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # not a crash
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: decks/hcsmeu-anniversary/deck.yaml:{line}:5: slide identity: "
                                "unknown field 'itmes'; did you mean 'items'? (allowed: ")
    assert "Traceback" not in result.output
    assert not (project / "out").exists()


def test_several_problems_are_all_reported_and_counted(project, write_deck):
    deck = write_deck("""
        id: t
        title: T
        author: me
        date: 2010-08-06
        slides:
          - id: a
            kind: bullets
            title: A
          - id: b
            kind: section
            title: B
            colour: red
          - id: c
            kind: quote
            text: Hello
        """)
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    located = [re.match(r"Error: (decks/t/deck\.yaml:\d+):\d+: (slide \w+): ", e) for e in errors[:3]]
    assert [m.groups() if m else e for m, e in zip(located, errors)] == [
        ("decks/t/deck.yaml:6", "slide a"),  # missing items
        ("decks/t/deck.yaml:12", "slide b"),  # unknown field colour
        ("decks/t/deck.yaml:13", "slide c"),  # missing author
    ]
    assert errors[3:] == ["3 problems; nothing was written."]
    assert not (project / "out").exists()


def test_failed_build_keeps_the_previous_outputs(project):
    run_cli_ok("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--out", "out")
    outputs = project / EXAMPLE_OUT
    before = {name: (outputs / name).read_bytes() for name in (PPTX_NAME, PDF_NAME)}
    break_example_deck(project)
    result = run_cli("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--out", "out")
    assert result.exit_code == 1
    assert {name: (outputs / name).read_bytes() for name in (PPTX_NAME, PDF_NAME)} == before
    assert sorted(p.name for p in outputs.iterdir()) == [PDF_NAME, PPTX_NAME]  # no temporary files left


def test_build_without_arguments_builds_every_deck(project):
    run_cli_ok("new", "decks/second")
    result = run_cli_ok("build", *EXAMPLE_LOCALE, "--format", "pptx")
    assert "built 2 files from 2 deck(s)" in result.stdout
    assert files_under(project / "dist") == ["hcsmeu-anniversary/en/hcsmeu-anniversary-en.pptx",
                                             "second/en/second-en.pptx"]


def test_missing_deck_folder_is_a_usage_error(project):
    result = run_cli("build", "decks/nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_unknown_option_exits_2(project):
    result = run_cli("build", "--colour", "red")
    assert result.exit_code == 2
    assert "No such option '--colour'" in result.stderr
    assert not (project / "dist").exists()


def test_unknown_locale_is_an_error(project):
    result = run_cli("build", EXAMPLE_DIR, "--locale", "xx")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: decks/hcsmeu-anniversary/deck.yaml:")
    assert "xx" in result.stderr and "available: en" in result.stderr


def test_unsafe_links_in_a_deck_build_as_plain_text(project, write_deck):
    deck = write_deck("""
        id: t
        title: T
        author: me
        date: 2010-08-06
        slides:
          - id: links
            kind: bullets
            title: Links
            items:
              - "[click](javascript:alert(1))"
              - "[the wiki](http://hcsmeufr.wikispaces.com/)"
        """)
    run_cli_ok("build", deck, "--out", "out", "--format", "pptx")
    slide = Presentation(project / "out" / "t" / "en" / "t-en.pptx").slides[0]
    runs = [r for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs for r in p.runs]
    assert "[click](javascript:alert(1))" in [r.text for r in runs]
    assert {r.text: r.hyperlink.address for r in runs if r.hyperlink.address} == {
        "the wiki": "http://hcsmeufr.wikispaces.com/"}


# --- new ---------------------------------------------------------------------------------------


def test_new_creates_a_deck_that_builds(project):
    result = run_cli_ok("new", "decks/my-talk")
    assert result.stdout.splitlines() == [
        "created decks/my-talk/deck.yaml", "build it with: deckgen build decks/my-talk"]
    build = run_cli_ok("build", "decks/my-talk", "--out", "out")
    assert "built 2 files" in build.stdout
    assert build.stderr == ""  # no warnings (e.g. text too long) for the starter deck
    outputs = project / "out" / "my-talk" / "en"
    assert Presentation(outputs / "my-talk-en.pptx").slides[0].shapes.title.text == "My talk"
    assert (outputs / "my-talk-en.pdf").read_bytes().startswith(b"%PDF-")


def test_new_with_a_title(project):
    run_cli_ok("new", "decks/talk", "--title", "Où en sommes-nous ?")
    assert 'title: "Où en sommes-nous ?"' in (project / "decks" / "talk" / "deck.yaml").read_text(encoding="utf-8")


def test_new_refuses_to_overwrite_a_deck(project):
    deck = project / EXAMPLE_DIR / "deck.yaml"
    before = deck.read_bytes()
    result = run_cli("new", EXAMPLE_DIR)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "already exists" in result.stderr
    assert deck.read_bytes() == before


def test_new_with_an_unknown_brand(project):
    result = run_cli("new", "decks/x", "--brand", "nope")
    assert result.exit_code == 1
    assert "unknown brand 'nope'; brands of this project: " in result.stderr
    assert "hcsmeu" in result.stderr.split("brands of this project: ")[1]
    assert not (project / "decks" / "x").exists()


# --- schema, help, version ---------------------------------------------------------------------


def test_schema_is_json_listing_every_slide_kind():
    result = run_cli_ok("schema")
    schema = json.loads(result.stdout)
    assert {"id", "title", "author", "date", "events", "slides"} <= set(schema["properties"])
    mapping = schema["properties"]["slides"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(ALL_KINDS)
    for ref in mapping.values():
        assert ref.removeprefix("#/$defs/") in schema["$defs"]


def test_help_lists_the_commands():
    result = run_cli_ok("--help")
    for command in ("build", "new", "schema"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M)


def test_version():
    from deckgen import __version__

    assert run_cli_ok("--version").stdout == f"deckgen, version {__version__}\n"


def test_python_m_deckgen_help(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "deckgen", "--help"], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: deckgen [OPTIONS] COMMAND [ARGS]...")
    assert proc.stderr == ""


def test_committed_schema_is_current():
    """decks/deck.schema.json (named by deck.yaml's yaml-language-server line) matches `deckgen schema`."""
    result = run_cli_ok("schema")
    assert result.output == (REPO / "decks" / "deck.schema.json").read_text(encoding="utf-8")


# --- PDF worker processes, as a user's process starts them --------------------------------

UNGUARDED_SCRIPT = """\
import sys
from deckgen.cli import main
sys.argv = ["deckgen", "build", "decks/hcsmeu-anniversary", "--locale", "fr", "--out", "out", "-q"]
main()
"""


def _fr_outputs(project: Path) -> list[str]:
    folder = project / "out" / "hcsmeu-anniversary" / "fr"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("how", ["python -m deckgen", "script without a main guard", "script on stdin"])
def test_pdf_workers_start_however_deckgen_is_run(project, how):
    """Workers come from a fork server for ``python -m deckgen``, and are forked for a script that
    cannot be imported again (a fork server's workers would run it again, or fail to find it)."""
    env = {**os.environ, "NO_COLOR": "1"}
    if how == "python -m deckgen":
        proc = subprocess.run([sys.executable, "-m", "deckgen", "build", EXAMPLE_DIR, "--locale", "fr",
                               "--out", "out", "-q", "--jobs", "2"],
                              capture_output=True, text=True, cwd=project, env=env, timeout=300)
    elif how == "script without a main guard":
        (project / "build_decks.py").write_text(UNGUARDED_SCRIPT, encoding="utf-8")
        proc = subprocess.run([sys.executable, "build_decks.py"], capture_output=True, text=True,
                              cwd=project, env=env, timeout=300)
    else:
        proc = subprocess.run([sys.executable, "-"], input=UNGUARDED_SCRIPT, capture_output=True, text=True,
                              cwd=project, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert _fr_outputs(project) == ["hcsmeu-anniversary-fr.pdf", "hcsmeu-anniversary-fr.pptx"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_leaves_no_temporary_files(project, tmp_path, jobs):
    """WeasyPrint copies the brand fonts into a temporary folder per renderer; none is left behind."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run([sys.executable, "-m", "deckgen", "build", EXAMPLE_DIR, "--locale", "fr", "--locale", "el",
                           "--out", "out", "-q", "--jobs", jobs],
                          capture_output=True, text=True, cwd=project, env={**os.environ, "TMPDIR": str(tmp)},
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(list((project / "out" / "hcsmeu-anniversary").rglob("*.pdf"))) == 2
    assert sorted(p.name for p in tmp.iterdir()) == []
