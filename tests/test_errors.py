"""Errors a volunteer can act on (issue 13): the right line, and what to type instead.

Each mistake below was made by a new user writing an Italian deck. Every case runs the real
``deckgen`` program (a subprocess, default PDF workers) and asserts the file:line:col and the hint.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import ALL_KINDS, REPO, run_cli_ok

from deckgen.model import deck_json_schema

DECK = """\
id: prova
title: Prova
language: it
author: Io
date: 2011-03-02
events:
  - id: tweetup
    title: Tweetup
    recurrence:
      weekday: tuesday
      ordinal: 2
      first: 2011-03-08
      count: 6
    start: "18:30"
    timezone: Europe/Rome
slides:
  - id: copertina
    kind: title
    title: Ciao
  - id: perche
    kind: bullets
    title: Perché?
    items: [uno, due]
  - id: numeri
    kind: figures
    title: Numeri
    figures:
      - value: 12
        label: tweetup
  - id: grazie
    kind: people
    title: Grazie
    people:
      - name: Anna Bianchi
        handle: "@anna"
"""


def deckgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed ``deckgen`` program, as a user runs it."""
    program = Path(sys.executable).with_name("deckgen")
    command = [str(program)] if program.is_file() else [sys.executable, "-m", "deckgen"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture
def broken(tmp_path: Path):
    """Write the deck above with one change (old line → new line), run ``deckgen build``; return the errors."""
    shutil.copytree(REPO / "assets", tmp_path / "assets")
    (tmp_path / "decks" / "prova").mkdir(parents=True)

    def run(old: str, new: str, command: str = "build") -> list[str]:
        assert DECK.count(old) == 1, old
        (tmp_path / "decks" / "prova" / "deck.yaml").write_text(DECK.replace(old, new), encoding="utf-8")
        proc = deckgen(command, "decks/prova", "--out", "out", cwd=tmp_path) if command == "build" else \
            deckgen(command, "decks/prova", cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert not (tmp_path / "out").exists()
        return [line for line in proc.stderr.splitlines() if line.startswith("Error:")]

    return run


def test_the_deck_is_right_as_it_is(tmp_path: Path) -> None:
    shutil.copytree(REPO / "assets", tmp_path / "assets")
    (tmp_path / "decks" / "prova").mkdir(parents=True)
    (tmp_path / "decks" / "prova" / "deck.yaml").write_text(DECK, encoding="utf-8")
    proc = deckgen("build", "decks/prova", "--out", "out", "--format", "pptx", "--strict", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("old", "new", "error"), [
    pytest.param("    title: Perché?", "    title Perché?",
                 "decks/prova/deck.yaml:22:10: missing ':' after title? Every field is written 'name: value'; "
                 "write title: Perché?", id="missing colon"),
    pytest.param("    title: Perché?", "    title: 'Perch'è l'Italia?'",
                 "decks/prova/deck.yaml:22:19: an apostrophe inside single quotes ends the text: in '…' write each "
                 "apostrophe twice (title: 'Perch''è l''Italia?'), or put the text in double quotes: "
                 "title: \"Perch'è l'Italia?\"", id="apostrophe in single quotes"),
    pytest.param('        handle: "@anna"', "        handle: @anna",
                 "decks/prova/deck.yaml:35:17: a value cannot start with '@' unless it is in quotes (like a '#' "
                 "hashtag); write handle: \"@anna\"", id="unquoted @"),
    pytest.param("language: it", "language: it-IT",
                 "decks/prova/deck.yaml:3:11: 'language': 'it-IT' is not written the way deckgen expects: write it "
                 "(or it_IT for Italian (Italy))", id="language with a hyphen"),
    pytest.param("language: it", "language: italiano",
                 "decks/prova/deck.yaml:3:11: 'language': 'italiano' is not a language code: write it",
                 id="language by its name"),
    pytest.param("language: it", "language: itt",
                 "decks/prova/deck.yaml:3:11: 'language': 'itt' is not a language code deckgen knows (a code such "
                 "as it, fr, de, pl or pt_BR); the nearest is it", id="unknown language"),
    pytest.param("  - id: perche", "  - id: Perché_Italia",
                 "decks/prova/deck.yaml:20:9: slide Perché_Italia: 'Perché_Italia' is not a valid id: use only "
                 "lowercase letters a-z, digits and hyphens (-), starting with a letter or digit; for example "
                 "'perche-italia'", id="slide id"),
    pytest.param("      - value: 12", "      - value: 1234,5",
                 "decks/prova/deck.yaml:28:16: slide numeri: '1234,5' is not a number deckgen can read: write "
                 "1234.5 (a dot before decimals, no thousands separator)", id="decimal comma"),
    pytest.param("date: 2011-03-02", "date: 2011-02-30",
                 "decks/prova/deck.yaml:5:7: 2011-02-30 is not a date (February 2011 has 28 days); write a real "
                 "date as YYYY-MM-DD", id="impossible date"),
    pytest.param("    kind: bullets", "    kind: bullet",
                 "decks/prova/deck.yaml:21:11: slide perche: unknown slide kind 'bullet'; did you mean 'bullets'? "
                 f"(kinds: {', '.join(ALL_KINDS)})", id="unknown kind"),
    pytest.param("    items: [uno, due]", "    itmes: [uno, due]",
                 "decks/prova/deck.yaml:23:5: slide perche: unknown field 'itmes'; did you mean 'items'? (allowed: "
                 "closing, id, intro, items, kind, notes, title)", id="unknown field"),
])
def test_a_mistake_is_reported_on_its_line_with_what_to_write(broken, old: str, new: str, error: str) -> None:
    line = DECK.splitlines().index(old) + 1
    assert f"decks/prova/deck.yaml:{line}:" in error  # the line of the mistake, not the one after it
    assert f"Error: {error}" in broken(old, new)


def test_every_problem_of_an_event_comes_out_in_one_run(broken) -> None:
    """A recurrence that does not match its first date no longer hides an end before the start."""
    old = '      ordinal: 2\n      first: 2011-03-08\n      count: 6\n    start: "18:30"\n'
    new = '      ordinal: 1\n      first: 2011-03-08\n      count: 6\n    start: "18:30"\n    end: "17:00"\n'
    assert broken(old, new) == [  # 2011-03-08 is not a first Tuesday, and the event ends before it starts
        "Error: decks/prova/deck.yaml:9:5: 'recurrence': 'first' 2011-03-08 is not the first tuesday of its month "
        "(that is 2011-03-01)",
        "Error: decks/prova/deck.yaml:15:10: 'end': must be after 'start' (18:30) (got '17:00')"]


def test_check_speaks_like_build(broken) -> None:
    errors = broken("    kind: bullets", "    kind: bullet", command="check")
    assert errors == ["Error: decks/prova/deck.yaml:21:11: slide perche: unknown slide kind 'bullet'; did you mean "
                      f"'bullets'? (kinds: {', '.join(ALL_KINDS)})"]


def test_check_counts_problems_in_words_people_read(tmp_path: Path) -> None:
    shutil.copytree(REPO / "assets", tmp_path / "assets")
    (tmp_path / "decks" / "prova").mkdir(parents=True)
    text = DECK.replace("    kind: bullets", "    kind: bullet").replace("language: it", "language: it-IT")
    (tmp_path / "decks" / "prova" / "deck.yaml").write_text(text, encoding="utf-8")
    proc = deckgen("check", "decks/prova", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Problem:" not in proc.stderr and "problem(s)" not in proc.stderr and "nothing\n" not in proc.stderr
    assert "\n2 problems; nothing was written.\n" in proc.stderr


# --- editors accept every deck deckgen accepts --------------------------------------------------


def as_editor_sees(file: Path) -> object:
    """The deck as JSON, the way an editor's YAML 1.2 language server reads it: dates are strings."""
    data = YAML(typ="safe", pure=True).load(file.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))


def schema_errors(file: Path) -> list[str]:
    validator = jsonschema.Draft202012Validator(deck_json_schema(), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(as_editor_sees(file))]


@pytest.mark.parametrize("deck", sorted(str(p.relative_to(REPO)) for p in [
    *REPO.glob("decks/*/deck.yaml"), *REPO.glob("tests/roots/*/deck.yaml")]))
def test_every_example_deck_is_valid_for_an_editor(deck: str) -> None:
    assert schema_errors(REPO / deck) == []


def test_times_are_hh_mm_strings_in_the_schema() -> None:
    schema = deck_json_schema()
    start = schema["$defs"]["Event"]["properties"]["start"]["anyOf"][0]
    assert start["type"] == "string" and "format" not in start and start["pattern"].startswith("^")
    bad = YAML(typ="safe").load(textwrap.dedent(DECK).replace('start: "18:30"', 'start: "18h30"'))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert any("18h30" in e.message for e in validator.iter_errors(json.loads(json.dumps(bad, default=str))))


@pytest.mark.parametrize("where", ["decks/nuovo", "talks/nuovo"])
def test_a_new_deck_is_valid_for_an_editor_and_its_schema_link_resolves(project: Path, where: str) -> None:
    run_cli_ok("new", where)
    file = project / where / "deck.yaml"
    assert schema_errors(file) == []
    first = file.read_text(encoding="utf-8").splitlines()[0]
    link = first.removeprefix("# yaml-language-server: $schema=")
    assert link != first
    target = (file.parent / link).resolve()
    assert target.is_file()
    assert json.loads(target.read_text(encoding="utf-8")) == deck_json_schema()
