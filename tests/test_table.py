"""The table kind (issue 16): a native PPTX table, the same grid in the PDF, cells per locale."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from conftest import run_cli, run_cli_ok
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from deckgen.scene import TableFrame

TABLE_DECK = """\
id: t
title: Tables
author: A
date: 2011-08-03
slides:
  - id: chapters
    kind: table
    title: Chapters by country
    columns:
      - {header: Country, format: country, width: 2}
      - {header: Chapter language, id: language}
      - {header: Since, format: month}
      - {header: Members, format: number}
      - {header: Share}
    rows:
      - [FR, French, 2010-08, 1234.5, 0.25]
      - [GB, "**English**", 2010-03, 64, null]
      - [CH, "French, German", 2010-06, 22, 3]
"""


def _build(project: Path, write_deck, text: str = TABLE_DECK, *args: str):
    deck = write_deck(text)
    run_cli_ok("build", deck, "--out", "out", *args)
    return deck


def _table(path: Path):
    prs = Presentation(str(path))
    frames = [s for s in prs.slides[0].shapes if s.has_table]
    assert len(frames) == 1
    return frames[0]


def test_the_pptx_has_a_native_table_with_the_scene_grid(project: Path, write_deck) -> None:
    _build(project, write_deck)
    shape = _table(project / "out/t/en/t-en.pptx")
    table = shape.table
    assert len(table.rows) == 4 and len(table.columns) == 5
    xml = shape._element.xml
    assert "<a:tbl>" in xml and 'firstRow="1"' in xml
    header = [table.cell(0, c).text for c in range(5)]
    assert header == ["Country", "Chapter language", "Since", "Members", "Share"]
    row = [table.cell(1, c).text for c in range(5)]
    assert row == ["France", "French", "August 2010", "1,234.5", "0.25"]
    assert table.cell(2, 1).text_frame.paragraphs[0].runs[0].font.bold  # inline markup in a cell
    assert table.cell(2, 4).text == ""  # null: an empty cell
    # widths in proportion (2:1:1:1:1 of 848 pt), numbers right-aligned
    widths = [Emu(c.width).pt for c in table.columns]
    assert abs(widths[0] - 2 * widths[1]) < 0.1 and abs(sum(widths) - 848) < 0.1
    assert 'algn="r"' in table.cell(1, 3)._tc.xml and 'algn="l"' in table.cell(1, 0)._tc.xml
    assert shape._element.nvGraphicFramePr.cNvPr.get("descr") == "Chapters by country"


def test_numbers_dates_and_countries_follow_the_locale(project: Path, write_deck) -> None:
    deck = write_deck(TABLE_DECK)
    run_cli_ok("i18n", "init", deck, "fr")
    run_cli_ok("build", deck, "--out", "out", "--locale", "fr")
    table = _table(project / "out/t/fr/t-fr.pptx").table
    assert [table.cell(1, c).text for c in (0, 2, 3)] == ["France", "août 2010", "1\u202f234,5"]
    assert table.cell(2, 0).text == "Royaume-Uni"
    pdf = PdfReader(project / "out/t/fr/t-fr.pdf").pages[0].extract_text()
    assert "Royaume-Uni" in pdf and "août 2010" in pdf and re.search(r"1\s?234,5", pdf)


def test_text_cells_are_translatable_with_row_and_column_in_the_context(project: Path, write_deck) -> None:
    deck = write_deck(TABLE_DECK)
    run_cli_ok("i18n", "extract", deck)
    with (project / deck / "locales/deck.pot").open("rb") as fh:
        pot = read_po(fh)
    contexts = {(m.context, m.id) for m in pot if m.id}
    assert ("chapters.rows.1.language", "French") in contexts
    assert ("chapters.rows.3.language", "French, German") in contexts
    assert ("chapters.columns.members.header", "Members") in contexts
    # data is not translated: country codes, months, numbers
    assert not any(m.id in ("FR", "2010-08", "GB") for m in pot)
    run_cli_ok("i18n", "init", deck, "fr")
    po = project / deck / "locales/fr/LC_MESSAGES/deck.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    for m in cat:
        if m.context == "chapters.rows.1.language":
            m.string = "français"
        if m.context == "chapters.columns.members.header":
            m.string = "Membres"
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    run_cli_ok("build", deck, "--out", "out", "--locale", "fr")
    table = _table(project / "out/t/fr/t-fr.pptx").table
    assert table.cell(1, 1).text == "français" and table.cell(0, 3).text == "Membres"
    assert table.cell(3, 1).text == "French, German"  # untranslated: the source
    result = run_cli("i18n", "stats", deck)
    assert result.exit_code == 0


def test_a_cell_too_long_is_reported_on_its_own(project: Path, write_deck) -> None:
    long = " ".join(["words"] * 400)
    text = TABLE_DECK.replace('"French, German"', f'"{long}"')
    deck = write_deck(text)
    result = run_cli("build", deck, "--out", "out", "--strict")
    assert result.exit_code == 1
    assert re.search(r"rows\[3\]\.language is \d+% too long for its box", result.stderr), result.stderr
    assert "rows[1]" not in result.stderr


def test_a_row_with_the_wrong_number_of_cells_is_a_located_error(project: Path, write_deck) -> None:
    deck = write_deck(TABLE_DECK.replace("[GB, ", "[GB, extra, "))
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1
    assert re.search(r"deck\.yaml:\d+.*row 2 has 6 cells and the table 5 columns", result.stderr), result.stderr
    deck = write_deck(TABLE_DECK.replace("[CH, ", "[XX, "))
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1 and "row 3, column 'country': 'XX' is not an ISO 3166-1 country code" in result.stderr


def compose_source(project: Path, deck: Path):
    """The composed scene of the deck in its own language (what the builder renders)."""
    from deckgen.brand import load_brand
    from deckgen.compose import compose_deck
    from deckgen.layouts import Phrases, Sandbox, environment, layout_path
    from deckgen.load import load_deck

    loaded = load_deck(project / deck)
    brand = load_brand(loaded.deck.brand, project, None)
    env = environment(layout_path(loaded.directory, project), Sandbox())
    return compose_deck(loaded.deck, loaded.directory, brand, loaded.deck.language, Phrases(env))


def test_the_table_is_composed_within_the_body(project: Path, write_deck) -> None:
    from deckgen.compose import BODY_BOTTOM

    scene = compose_source(project, write_deck(TABLE_DECK))
    frame = next(f for f in scene.slides[0].frames if isinstance(f, TableFrame))
    assert abs(sum(frame.widths) - frame.box.w) < 0.05 and abs(sum(frame.heights) - frame.box.h) < 0.05
    assert frame.box.y + frame.box.h <= BODY_BOTTOM
    assert all(c.overflow == 0 for c in frame.text_frames())


def test_a_table_is_valid_for_an_editor_with_short_columns() -> None:
    import json

    import jsonschema
    from ruamel.yaml import YAML

    from deckgen.model import deck_json_schema

    validator = jsonschema.Draft202012Validator(deck_json_schema(), format_checker=jsonschema.FormatChecker())
    text = TABLE_DECK.replace("      - {header: Share}", "      - Share")  # a column may be only its header
    data = json.loads(json.dumps(YAML(typ="safe", pure=True).load(text), default=str))
    assert [e.message for e in validator.iter_errors(data)] == []
    data["slides"][0]["columns"][0]["format"] = "percent"
    assert any("percent" in e.message for e in validator.iter_errors(data))


def test_translators_see_the_room_of_each_cell(project: Path, write_deck) -> None:
    deck = write_deck(TABLE_DECK)
    run_cli_ok("i18n", "extract", deck)
    with (project / deck / "locales/deck.pot").open("rb") as fh:
        notes = {m.context: " ".join(m.auto_comments) for m in read_po(fh) if m.id}
    assert re.search(r"room: its box \('rows\[3\]\.language'\) holds about \d+ characters",
                     notes["chapters.rows.3.language"])
    assert "('columns[4].header')" in notes["chapters.columns.members.header"]
