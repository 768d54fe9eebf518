"""The translation cycle: extract → init → translate → update → build, as a chapter would do it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pptx import Presentation
from pypdf import PdfReader

from conftest import EXAMPLE_DIR, REPO, run_cli, run_cli_ok

from deckgen.phrasebook import phrase_keys

POT = EXAMPLE_DIR / "locales" / "deck.pot"
SHIPPED = ["de", "el", "es", "fr", "nl"]


def po(locale: str) -> Path:
    return EXAMPLE_DIR / "locales" / locale / "LC_MESSAGES" / "deck.po"


def read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def write(path: Path, catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=78)


def pdf_text(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def pptx_text(path: Path) -> list[str]:
    out = []
    for slide in Presentation(path).slides:
        parts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        out.append(" ".join(" ".join(parts).split()))
    return out


def translate_all(catalog, prefix: str) -> None:
    """Fill every message with a recognisable translation that keeps marks and placeholders."""
    for msg in catalog:
        if not msg.id:
            continue
        if isinstance(msg.id, tuple):
            msg.string = tuple(f"{prefix}{msg.id[min(i, 1)]}" for i in range(catalog.num_plurals))
        else:
            msg.string = f"{prefix}{msg.id}"
        msg.flags.discard("fuzzy")


# --- extraction -----------------------------------------------------------------------

def test_extract_writes_one_message_per_text_with_context_comment_and_reference(project: Path) -> None:
    (project / POT).unlink()
    result = run_cli_ok("i18n", "extract", EXAMPLE_DIR)
    assert "wrote" in result.output
    cat = read(project / POT)
    by_key = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in cat if m.id}
    beliefs = by_key[("beliefs.title", "Our beliefs")]
    assert any("slide 'beliefs' (statement)" in c for c in beliefs.auto_comments)
    assert any(c.startswith("room:") for c in " ".join(beliefs.auto_comments).split("#. ")) or any(
        "room:" in c for c in beliefs.auto_comments)
    file, line = beliefs.locations[0]
    assert file == "decks/hcsmeu-anniversary/deck.yaml"
    deck_lines = (project / EXAMPLE_DIR / "deck.yaml").read_text(encoding="utf-8").splitlines()
    assert "Our beliefs" in deck_lines[line - 1]
    # counted phrases are plural messages; deckgen's own words are in its own catalogs, not the deck's
    assert by_key[("figures.figures.label", "tweetup")].id == ("tweetup", "tweetups")
    assert not any(ctx.startswith(("schedule.", "rule.", "announce.", "footer.")) for ctx, _ in by_key)
    # data is not extracted
    ids = " | ".join(str(m.id) for m in cat)
    assert "hcsmeufr@gmail.com" not in ids.replace("hcsmeufr@gmail.com.", "")
    assert "Europe/Paris" not in ids and "GB" not in ids.split(" | ")


def test_reextracting_an_unchanged_deck_changes_no_byte(project: Path) -> None:
    run_cli_ok("i18n", "extract", EXAMPLE_DIR)
    before = (project / POT).read_bytes()
    result = run_cli_ok("i18n", "extract", EXAMPLE_DIR)
    assert "unchanged" in result.output
    assert (project / POT).read_bytes() == before


def test_committed_template_is_up_to_date(project: Path) -> None:
    before = (project / POT).read_bytes()
    run_cli_ok("i18n", "extract", EXAMPLE_DIR)
    assert (project / POT).read_bytes() == before, "run 'deckgen i18n extract' and commit decks/*/locales"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def _catalog_cycle_status(root: Path, run: Callable[..., None]) -> list[str]:
    """Commit *root*, run extract, update and init of a new language on the unchanged deck; return
    what git sees changed."""
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "project")
    run("i18n", "extract", EXAMPLE_DIR)
    run("i18n", "update", EXAMPLE_DIR)
    run("i18n", "init", EXAMPLE_DIR, "pl")
    return _git(root, "status", "--porcelain", "--untracked-files=all").splitlines()


@pytest.mark.parametrize("babel_version", ["2.18.0", "2.19.0", "3.1.0"])
def test_catalog_commands_on_an_unchanged_deck_leave_git_clean(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                               babel_version: str) -> None:
    """Only a tool version (Generated-By) and the dates differ: no file is rewritten but the new one."""
    import babel.messages.catalog

    monkeypatch.setattr(babel.messages.catalog, "VERSION", babel_version)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030: another day than the committed files'
    status = _catalog_cycle_status(project, run_cli_ok)
    assert status == [f"?? {po('pl').as_posix()}"]


# Babel 2.18.0 from PyPI, pinned by hash like the lock file: the release the committed catalogs were made with
BABEL_2_18 = "babel==2.18.0 --hash=sha256:e2b422b277c2b9a9630c1d7903c2a00d0830c409c59ac8cae9081c92f1aeba35"


@pytest.mark.slow
def test_catalog_commands_leave_git_clean_under_another_real_babel_release(project: Path, tmp_path: Path) -> None:
    """The real Babel 2.18.0, imported before the locked release, on catalogs written by the locked release."""
    run_cli_ok("i18n", "update", EXAMPLE_DIR)  # written by the locked Babel
    site = tmp_path / "babel-2.18"
    (tmp_path / "req.txt").write_text(BABEL_2_18 + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--require-hashes",
                    "--target", str(site), "-r", str(tmp_path / "req.txt")], check=True, timeout=600)
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str | Path) -> None:
        result = subprocess.run([sys.executable, "-m", "deckgen", *map(str, args)], env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stderr
    version = subprocess.run([sys.executable, "-c", "import babel; print(babel.__version__)"], env=env,
                             capture_output=True, text=True).stdout.strip()
    assert version == "2.18.0"
    assert _catalog_cycle_status(project, run) == [f"?? {po('pl').as_posix()}"]


def test_catalog_headers_name_the_deck_and_its_contact() -> None:
    cat = read(REPO / POT)
    headers = dict(cat.mime_headers)
    assert (REPO / POT).read_text().count('"Project-Id-Version: hcsmeu-anniversary\\n"') == 1
    assert headers["Report-Msgid-Bugs-To"] == "hcsmeufr@gmail.com"
    for locale in SHIPPED:
        text = (REPO / po(locale)).read_text()
        assert "VERSION" not in text and "EMAIL@ADDRESS" not in text.split("Last-Translator")[0]


def test_references_resolve_from_the_repository_root() -> None:
    """Deck messages point at the deck file, deckgen's own words at src/deckgen/…: both from the root."""
    deck = {file for msg in read(REPO / POT) for file, _ in msg.locations}
    own = {file for msg in read(REPO / "src" / "deckgen" / "locale" / "deckgen.pot") for file, _ in msg.locations}
    assert deck == {EXAMPLE_DIR.joinpath("deck.yaml").as_posix()}
    assert own and all(f.startswith("src/deckgen/layouts/") or f.startswith("src/deckgen/") for f in own)
    assert all((REPO / f).is_file() for f in deck | own), sorted(deck | own)


def test_same_english_word_on_two_slides_has_two_contexts(project: Path) -> None:
    cat = read(project / POT)
    contexts = {m.context for m in cat if m.id == "#hcsmeu ~fr~"}
    assert {"french-chapter.title", "why-french.title"} <= contexts


def test_pybabel_extract_through_the_entry_point_gives_the_same_messages(project: Path, tmp_path: Path) -> None:
    shutil.copy(REPO / "babel.cfg", project / "babel.cfg")
    shutil.copytree(REPO / "src" / "deckgen" / "layouts", project / "src" / "deckgen" / "layouts")
    out = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-o", str(out), "."], cwd=project, check=True, capture_output=True)
    ours = {(m.context, m.id) for m in read(project / POT) if m.id}
    theirs = {(m.context, m.id) for m in read(out) if m.id}
    assert ours == theirs


# --- catalogs ---------------------------------------------------------------------------

@pytest.mark.parametrize("locale", SHIPPED)
def test_shipped_catalog_passes_msgfmt_check(locale: str) -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: scripts/setup --test installs gettext")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(REPO / po(locale))], check=True)


@pytest.mark.parametrize("locale", SHIPPED)
def test_shipped_catalog_is_complete_and_current(locale: str) -> None:
    template = {(m.context, m.id) for m in read(REPO / POT) if m.id}
    cat = read(REPO / po(locale))
    have = {(m.context, m.id) for m in cat if m.id} - phrase_keys()  # less the chapter's own wording of deckgen's
    assert have == template
    missing = [m.id for m in cat if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert missing == []


def test_init_starts_a_catalog_with_the_languages_plural_rule(project: Path) -> None:
    result = run_cli_ok("i18n", "init", EXAMPLE_DIR, "pl")
    assert "created" in result.output
    cat = read(project / po("pl"))
    assert cat.num_plurals == 3
    assert {(m.context, m.id) for m in cat if m.id} == {(m.context, m.id) for m in read(project / POT) if m.id}
    assert run_cli("i18n", "init", EXAMPLE_DIR, "pl").exit_code == 1  # never overwrites
    assert run_cli("i18n", "init", EXAMPLE_DIR, "xx_YY").exit_code == 1


def test_stats_counts_fuzzy_as_not_translated(project: Path) -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    cat = read(project / po("it"))
    msgs = [m for m in cat if m.id and isinstance(m.id, str)]
    msgs[0].string, msgs[1].string = "uno", "due"
    msgs[1].flags.add("fuzzy")
    write(project / po("it"), cat)
    out = run_cli_ok("i18n", "stats", EXAMPLE_DIR).output
    line = next(l for l in out.splitlines() if l.strip().startswith("it"))
    total = len([m for m in cat if m.id])
    assert f"translated 1, fuzzy 1, untranslated {total - 2}, obsolete 0" in line
    assert f"{100 / total:5.1f}%" in line


# --- the whole cycle --------------------------------------------------------------------

@pytest.mark.slow
def test_new_language_round_trip_shows_the_translation_everywhere(project: Path) -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    cat = read(project / po("it"))
    translate_all(cat, "§")
    write(project / po("it"), cat)
    result = run_cli_ok("build", EXAMPLE_DIR, "--locale", "it", "--strict", "--out", "out")
    assert "Warning" not in result.output
    out = project / "out" / "hcsmeu-anniversary" / "it"
    for pages in (pdf_text(out / "hcsmeu-anniversary-it.pdf"), pptx_text(out / "hcsmeu-anniversary-it.pptx")):
        assert len(pages) == 15
        for number, text in enumerate(pages, start=1):
            assert "§" in text, f"slide {number} shows no translated text: {text[:80]}"
        joined = " ".join(pages)
        assert "settembre 2010" in joined  # dates in Italian (CLDR)
        assert "Regno Unito" in joined  # countries in Italian
        assert "September" not in joined  # no date left in English
    props = Presentation(out / "hcsmeu-anniversary-it.pptx").core_properties
    assert props.language == "it-IT" and props.title.startswith("§")
    assert PdfReader(out / "hcsmeu-anniversary-it.pdf").trailer["/Root"]["/Lang"] == "it-IT"


def test_update_keeps_translations_marks_changes_fuzzy_and_keeps_removed_as_obsolete(project: Path) -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    cat = read(project / po("it"))
    translate_all(cat, "IT ")
    write(project / po("it"), cat)
    deck = project / EXAMPLE_DIR / "deck.yaml"
    text = deck.read_text(encoding="utf-8")
    text = text.replace("      - a network of experts\n", "      - a network of healthcare experts\n")
    text = text.replace("      - a think tank\n", "")
    deck.write_text(text, encoding="utf-8")
    run_cli_ok("i18n", "update", EXAMPLE_DIR)
    new = read(project / po("it"))
    changed = new.get("a network of healthcare experts", context="identity.items.text")
    assert changed is not None and changed.fuzzy
    assert changed.string == "IT a network of experts"
    # the previous English is kept for the translator (Babel's reader does not parse '#|' lines)
    text = (project / po("it")).read_text(encoding="utf-8")
    assert '#| msgid "a network of experts"\nmsgctxt "identity.items.text"\nmsgid "a network of healthcare experts"' in text
    assert new.get("an online community", context="identity.items.text").string == "IT an online community"
    assert not new.get("an online community", context="identity.items.text").fuzzy
    assert any(m.id == "a think tank" for m in new.obsolete.values())
    # every translation that was not touched by the change is still there, not fuzzy
    untouched = [m for m in new if m.id and m.id != "a network of healthcare experts"]
    assert all(m.string and not m.fuzzy for m in untouched)
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(project / po("it"))], check=True)


def test_update_never_moves_a_translation_to_another_slide(project: Path) -> None:
    """Babel's fuzzy matching ignores msgctxt (python-babel#1330); ours does not."""
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    cat = read(project / po("it"))
    translate_all(cat, "IT ")
    write(project / po("it"), cat)
    deck = project / EXAMPLE_DIR / "deck.yaml"
    text = deck.read_text(encoding="utf-8")
    # the title of 'why-french' changes; 'french-chapter' keeps the same English title
    text = text.replace('  - id: why-french\n    kind: bullets\n    title: "#hcsmeu ~fr~"',
                        '  - id: why-french\n    kind: bullets\n    title: "#hcsmeu ~fr~ locally"')
    deck.write_text(text, encoding="utf-8")
    run_cli_ok("i18n", "update", EXAMPLE_DIR)
    new = read(project / po("it"))
    kept = new.get("#hcsmeu ~fr~", context="french-chapter.title")
    assert kept.string == "IT #hcsmeu ~fr~" and not kept.fuzzy
    moved = new.get("#hcsmeu ~fr~ locally", context="why-french.title")
    assert moved.fuzzy and moved.string == "IT #hcsmeu ~fr~"
    text = (project / po("it")).read_text(encoding="utf-8")
    assert '#| msgid "#hcsmeu ~fr~"\nmsgctxt "why-french.title"' in text


# --- building translations ---------------------------------------------------------------

def _partial_catalog(project: Path, locale: str = "it") -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, locale)
    cat = read(project / po(locale))
    translate_all(cat, "IT ")
    cat.get("Quarterly meeting", context="event.quarterly.title").string = ""
    fuzzy = cat.get("Thanks", context="thanks.title")
    fuzzy.flags.add("fuzzy")
    write(project / po(locale), cat)


def test_missing_translation_falls_back_with_a_warning_naming_locale_slide_and_message(project: Path) -> None:
    _partial_catalog(project)
    result = run_cli("build", EXAMPLE_DIR, "--locale", "it", "--format", "pptx", "--out", "out")
    assert result.exit_code == 0, result.output
    assert re.search(r"Warning: .*deck\.po: \[it\] event\.quarterly\.title: no translation for 'Quarterly "
                     r"meeting'", result.stderr)
    assert re.search(r"slide thanks \[it\]: only a fuzzy translation .* for 'Thanks'", result.stderr)
    slides = pptx_text(project / "out/hcsmeu-anniversary/it/hcsmeu-anniversary-it.pptx")
    assert "Quarterly meeting" in slides[11]  # the source text, not a gap
    assert slides[14].startswith("Thanks")  # fuzzy is not used by default


def test_fuzzy_translations_are_used_when_asked(project: Path) -> None:
    _partial_catalog(project)
    run_cli("build", EXAMPLE_DIR, "--locale", "it", "--format", "pptx", "--fuzzy", "--out", "out")
    slides = pptx_text(project / "out/hcsmeu-anniversary/it/hcsmeu-anniversary-it.pptx")
    assert "IT Thanks" in slides[14]


def test_strict_turns_missing_translations_into_a_failure(project: Path) -> None:
    _partial_catalog(project)
    result = run_cli("build", EXAMPLE_DIR, "--locale", "it", "--format", "pptx", "--strict", "--out", "out")
    assert result.exit_code == 1
    assert "no translation for 'Quarterly meeting'" in result.stderr
    assert not (project / "out").exists()


def test_unknown_locale_is_a_clear_error(project: Path) -> None:
    result = run_cli("build", EXAMPLE_DIR, "--locale", "pt", "--out", "out")
    assert result.exit_code == 1
    assert "no catalog for pt" in result.stderr and "deckgen i18n init" in result.stderr


@pytest.mark.parametrize(("msgid", "context", "bad", "expect"), [
    ("%(place)s, %(month)s", "figure.place", "%(place)s (mars)",  # a chapter's wording of deckgen's words
     "placeholders of the translation"),
    ("Our beliefs", "beliefs.title", "Nos **croyances", None),
    ("We believe that the use of social media should be enabled by **services that are free to use**.",
     "beliefs.paragraphs", "Nous croyons que l'usage des médias sociaux devrait être facilité.",
     "different inline markup"),
])
def test_translation_with_other_placeholders_or_markup_is_an_error_with_file_and_line(
        project: Path, msgid: str, context: str, bad: str, expect: str | None) -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    cat = read(project / po("it"))
    translate_all(cat, "")
    (cat.get(msgid, context=context) or cat.add(msgid, context=context)).string = bad
    write(project / po("it"), cat)
    lines = (project / po("it")).read_text(encoding="utf-8").splitlines()
    # the error points at the entry's msgid line, just below its msgctxt
    line = next(i + 1 for i, l in enumerate(lines, 1)
                if l == f'msgctxt "{context}"' and msgid[:20] in "".join(lines[i:i + 4]))
    result = run_cli("build", EXAMPLE_DIR, "--locale", "it", "--format", "pptx", "--out", "out")
    if expect is None:  # an unbalanced ** is just text, shown literally
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert expect in result.stderr
    assert f"locales/it/LC_MESSAGES/deck.po:{line}" in result.stderr


def test_broken_po_file_is_an_error_with_its_line(project: Path) -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    path = project / po("it")
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, l in enumerate(lines) if l.startswith("msgstr") and i > 20)
    lines[target] = 'msgstr "unterminated'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("build", EXAMPLE_DIR, "--locale", "it", "--format", "pptx", "--out", "out")
    assert result.exit_code == 1
    assert "deck.po" in result.stderr and "Traceback" not in result.output


def test_translations_are_text_never_markup_or_code(project: Path) -> None:
    run_cli_ok("i18n", "init", EXAMPLE_DIR, "it")
    cat = read(project / po("it"))
    translate_all(cat, "")
    cat.get("Our beliefs", context="beliefs.title").string = "<script>alert(1)</script> {{ deck }} & <b>x</b>"
    write(project / po("it"), cat)
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "it", "--out", "out")
    out = project / "out/hcsmeu-anniversary/it"
    shown = "<script>alert(1)</script> {{ deck }} & <b>x</b>"
    assert shown in pptx_text(out / "hcsmeu-anniversary-it.pptx")[2]
    assert "<script>alert(1)</script>" in pdf_text(out / "hcsmeu-anniversary-it.pdf")[2]


# --- a layout override's own words ----------------------------------------------------------------

STAMPED_QUOTE = """\
{%- import "frames.html.j2" as f -%}
<section class="slide kind-{{ slide.kind }}" id="{{ slide.id }}" data-title="{{ slide.title }}"
         style="background: {{ slide.background }}">
{%- for frame in slide.frames %}
{{ f.frame(frame, deck) }}
{%- endfor %}
<div class="frame font-body" style="left: 20pt; top: 8pt; width: 400pt; height: 20pt; font-size: 10pt">
{{- pgettext("layout.stamp", "Chapter edition") }}</div>
</section>
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_layout_override_speaks_the_catalog_language(project: Path, jobs: str) -> None:
    """Words in a deck's own layout are translated through its catalog, in PDF workers too."""
    folder = project / EXAMPLE_DIR / "layouts" / "slides"
    folder.mkdir(parents=True)
    (folder / "quote.html.j2").write_text(STAMPED_QUOTE, encoding="utf-8")
    catalog = read(project / po("fr"))
    catalog.add("Chapter edition", "Édition du chapitre", context="layout.stamp")
    write(project / po("fr"), catalog)
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "fr", "--locale", "en", "--format", "pdf", "--out", "out",
               "--jobs", jobs)
    fr = pdf_text(project / "out" / "hcsmeu-anniversary" / "fr" / "hcsmeu-anniversary-fr.pdf")
    en = pdf_text(project / "out" / "hcsmeu-anniversary" / "en" / "hcsmeu-anniversary-en.pdf")
    quote = 6  # the seventh slide
    assert "Édition du chapitre" in fr[quote] and "Chapter edition" not in fr[quote]
    assert "Chapter edition" in en[quote]
    assert not any("Édition du chapitre" in page for i, page in enumerate(fr) if i != quote)
