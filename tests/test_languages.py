"""deckgen's own words in every language (issue 13): its catalogs, their lookup, and decks with no English left.

The French example deck and an Italian deck are built and announced, every text of every
output is extracted (PPTX with python-pptx, PDF with pypdf, the calendar with icalendar,
the e-mail with the standard library), and none may hold one of deckgen's English phrases.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from icalendar import Calendar
from pptx import Presentation
from pypdf import PdfReader

from conftest import REPO, run_cli, run_cli_ok

from deckgen.formatting import Formatter
from deckgen.i18n import check_catalog, read_catalog
from deckgen.layouts import Phrases, Sandbox, environment, install, layout_path
from deckgen.phrasebook import (
    POT,
    PhraseTranslator,
    catalog_file,
    extract_phrases,
    package_catalog,
    shipped_languages,
    template,
)

FRENCH = Path("decks") / "hcsmeufr-premier-tweetup"
ITALIAN_ROOT = REPO / "tests" / "roots" / "italiano"
EU_LANGUAGES = ["bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt",
                "nl", "pl", "pt", "ro", "sk", "sl", "sv"]  # the 24 official languages, less English (the source)
MORE_LANGUAGES = ["ca", "nb", "tr", "uk"]
ENGLISH_CLDR = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
                "February", "March", "April", "June", "July", "August", "September", "October", "November",
                "December", "today", "Today"]


def messages(path: Path):
    with path.open("rb") as fh:
        return [m for m in read_po(fh) if m.id]


def english_phrases() -> list[str]:
    """Every piece of English text in deckgen's own words (the template), placeholders and marks removed."""
    out = set(ENGLISH_CLDR)
    for m in messages(REPO / "src" / "deckgen" / "locale" / "deckgen.pot"):
        text = re.sub(r"\^(\w+)\^", r"\1", m.id).replace("**", "")
        for part in re.split(r"%\(\w+\)[sd]", text):
            part = part.strip(" ,:;.!()—–/+")
            if re.search(r"[A-Za-z]{2,}", part):
                out.add(part)
    return sorted(out)


def english_left(text: str) -> list[str]:
    """deckgen's English phrases found in *text*, as whole words."""
    return [p for p in english_phrases() if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


def hours(locale: str, start: int = 13, end: int = 14) -> str:
    """A time range as CLDR writes it in *locale* (with its thin and narrow spaces)."""
    minutes = 30 if start == 10 else 0
    return Formatter(locale).time_range(dt.time(start), dt.time(end, minutes))


def pptx_texts(path: Path) -> str:
    out = []
    for slide in Presentation(path).slides:
        out += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(out)


def pdf_texts(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def eml_texts(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parser = _Text()
    parser.feed(msg.get_body(("html",)).get_content())
    return "\n".join([str(msg["Subject"]), msg.get_body(("plain",)).get_content(), *parser.parts])


def ics_texts(path: Path) -> str:
    cal = Calendar.from_ical(path.read_bytes())
    out = [str(cal.get(k, "")) for k in ("X-WR-CALNAME", "X-WR-CALDESC", "NAME")]
    for ev in cal.walk("VEVENT"):
        out += [str(ev.get(k, "")) for k in ("SUMMARY", "DESCRIPTION", "LOCATION")]
    return "\n".join(out)


def every_text(folder: Path) -> dict[str, str]:
    """The text of every output under *folder*, by file name."""
    readers = {".pptx": pptx_texts, ".pdf": pdf_texts, ".eml": eml_texts, ".ics": ics_texts,
               ".txt": lambda p: p.read_text(encoding="utf-8")}
    return {p.name: readers[p.suffix](p) for p in sorted(folder.rglob("*")) if p.suffix in readers}


# --- deckgen's own catalogs ----------------------------------------------------------------


def test_the_committed_template_of_deckgens_own_words_is_up_to_date() -> None:
    """src/deckgen/locale/deckgen.pot holds exactly what the layouts say; refresh with
    'python -m deckgen.phrasebook' (docs/languages.md)."""
    fresh = template(extract_phrases(), None)
    def key(m):  # comments come back wrapped at 78 columns
        return (m.context, m.id), (m.locations, " ".join(" ".join(m.auto_comments).split()))

    committed = dict(key(m) for m in messages(POT))
    extracted = dict(key(m) for m in fresh if m.id)
    assert committed == extracted, "run 'python -m deckgen.phrasebook' and commit src/deckgen/locale"


def test_the_languages_covered_include_the_eu_languages_and_four_more() -> None:
    assert set(EU_LANGUAGES + MORE_LANGUAGES) <= set(shipped_languages())


def own_catalog_problems(file: Path, code: str) -> list[str]:
    """What a shipped catalog of deckgen's own words gets wrong: the deck checks, completeness, currency."""
    catalog = read_catalog(file, code)
    problems = [str(p) for p in check_catalog(catalog, file)]
    wanted = {(m.context, m.id) for m in messages(POT)}
    have = {(m.context, m.id) for m in catalog if m.id}
    problems += [f"missing {key}" for key in sorted(wanted - have, key=str)]
    problems += [f"not in the template {key}" for key in sorted(have - wanted, key=str)]
    problems += [f"untranslated or fuzzy {m.context}" for m in catalog if m.id and (m.fuzzy or not m.string)]
    return problems


@pytest.mark.parametrize("code", shipped_languages())
def test_every_shipped_catalog_is_complete_and_passes_the_deck_checks(code: str) -> None:
    assert own_catalog_problems(catalog_file(code), code) == []


@pytest.mark.parametrize("code", shipped_languages())
def test_every_shipped_catalog_passes_msgfmt_check(code: str) -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: scripts/setup --test installs gettext")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalog_file(code))], check=True)


def test_the_fallback_word_for_today_is_cldrs() -> None:
    """formatting.TODAY stands in for CLDR's relative day names on Babel releases that lack them."""
    from babel import Locale

    from deckgen.formatting import TODAY, Formatter

    relative = Locale("en")._data["date_fields"]["day"].get("relative")
    if relative is None:
        pytest.skip("this Babel release has no relative day names to compare with")
    assert set(TODAY) == {"en", *shipped_languages()}
    for code, word in TODAY.items():
        assert Formatter(code).today() == word, code


def test_a_placeholder_or_markup_mismatch_in_a_catalog_is_caught(tmp_path: Path) -> None:
    text = catalog_file("it").read_text(encoding="utf-8")
    broken = text.replace('msgstr "Oggi: %(title)s"', 'msgstr "Oggi: %(titolo)s"')
    broken = broken.replace('msgstr "%(date)s — **%(today)s!**"', 'msgstr "%(date)s — %(today)s!"')
    assert broken.count("%(titolo)s") == 1 and "— %(today)s!\"" in broken
    (tmp_path / "deckgen.po").write_text(broken, encoding="utf-8")
    problems = own_catalog_problems(tmp_path / "deckgen.po", "it")
    assert any("placeholders of the translation of 'Today: %(title)s'" in p for p in problems)
    assert any("different inline markup" in p for p in problems)


# --- grammar: the rule agrees with the weekday ------------------------------------------------


def phrases(locale: str) -> tuple[Phrases, PhraseTranslator]:
    env = environment(layout_path(None, None), Sandbox())
    words = PhraseTranslator(locale)
    install(env, words)
    return Phrases(env), words


@pytest.mark.parametrize(("locale", "ordinal", "weekday", "expected"), [
    ("it", 1, "monday", "ogni primo lunedì del mese"),
    ("it", 1, "sunday", "ogni prima domenica del mese"),
    ("it", -1, "sunday", "ogni ultima domenica del mese"),
    ("pl", 1, "wednesday", "w każdą pierwszą środę miesiąca"),
    ("pl", 2, "tuesday", "w każdy drugi wtorek miesiąca"),
    ("de", 1, "wednesday", "jeden ersten Mittwoch im Monat"),
    ("fr", 1, "wednesday", "chaque 1^er^ mercredi du mois"),
    ("fr", 2, "tuesday", "chaque 2^e^ mardi du mois"),
    ("el", 1, "saturday", "κάθε πρώτο Σάββατο του μήνα"),
    ("el", 1, "sunday", "κάθε πρώτη Κυριακή του μήνα"),
    ("cs", 1, "wednesday", "každou první středu v měsíci"),
    ("es", 3, "friday", "el tercer viernes de cada mes"),
    ("pt_BR", 1, "saturday", "no primeiro sábado de cada mês"),  # pt_BR falls back to pt
    ("en", 1, "wednesday", "every 1^st^ Wednesday of the month"),
])
def test_the_monthly_rule_agrees_with_the_weekday(locale: str, ordinal: int, weekday: str, expected: str) -> None:
    say, words = phrases(locale)
    assert say.monthly(ordinal, weekday) == expected
    assert words.missing == []


def test_a_language_without_a_catalog_shows_english_and_names_each_phrase() -> None:
    say, words = phrases("is")  # Icelandic: not covered
    assert say.page_number(2, 9) == "2 / 9"
    assert say.monthly(1, "wednesday") == "every 1^st^ Wednesday of the month"
    warnings = [str(w) for w in words.warnings(None)]
    assert warnings == [
        "[is] deckgen's own words have no Icelandic translation for '%(number)s / %(total)s' (footer.page); "
        "showing the English text: translate it in deckgen's catalog of the language or in the deck's catalog "
        "(docs/languages.md)",
        "[is] deckgen's own words have no Icelandic translation for 'every 1^st^ Wednesday of the month' "
        "(rule.monthly.first.wednesday); showing the English text: translate it in deckgen's catalog of the "
        "language or in the deck's catalog (docs/languages.md)"]


def test_a_shipped_catalog_is_read_once() -> None:
    assert package_catalog("it") is package_catalog("it")
    assert package_catalog("xx") is None


# --- the French example deck: no English left -------------------------------------------------------


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French example deck built in every language and announced, in a copy of the project."""
    root = tmp_path_factory.mktemp("french") / "project"
    shutil.copytree(REPO / FRENCH, root / FRENCH)
    shutil.copytree(REPO / "assets", root / "assets")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = run_cli_ok("build", FRENCH, "--out", "out", "--strict")
        assert "Warning" not in result.output
        result = run_cli_ok("announce", FRENCH, "--out", "out", "--next", "2010-09-01", "--strict")
        assert "Warning" not in result.output
    return root / "out" / "hcsmeufr-premier-tweetup"


@pytest.mark.slow
def test_the_french_deck_and_its_announcements_hold_no_english(french: Path) -> None:
    texts = every_text(french / "fr")
    assert sorted(texts) == sorted([
        "hcsmeufr-premier-tweetup-fr.pdf", "hcsmeufr-premier-tweetup-fr.pptx", "hcsmeufr-premier-tweetup-fr.ics",
        "hcsmeufr-premier-tweetup-fr.eml", "hcsmeufr-premier-tweetup-fr-flyer.pdf",
        "hcsmeufr-premier-tweetup-fr-twitter.txt", "hcsmeufr-premier-tweetup-fr-linkedin.txt",
        "hcsmeufr-premier-tweetup-fr-facebook.txt"])
    for name, text in texts.items():
        assert len(text) > 100, name
        assert english_left(text) == [], name


@pytest.mark.slow
def test_the_french_deck_speaks_french_in_deckgens_own_words(french: Path) -> None:
    slides = pptx_texts(french / "fr" / "hcsmeufr-premier-tweetup-fr.pptx")
    assert f"Chaque 1er mercredi du mois, {hours('fr')}" in slides
    assert "«" in slides and "“" not in slides  # the quote slide's mark, from CLDR
    assert "1er septembre 2010" in slides and "9 / 9" in slides
    assert "plus de\u00a0300" in slides
    post = (french / "fr" / "announce" / "hcsmeufr-premier-tweetup-fr-facebook.txt").read_text(encoding="utf-8")
    assert post.startswith("Aujourd’hui\u202f: Tweetup #hcsmeufr\n")
    assert f"Quand\u202f: mercredi 1er septembre 2010, {hours('fr')} (heure de Paris)" in post


@pytest.mark.slow
def test_the_french_deck_translates_into_english_and_german(french: Path) -> None:
    en = pptx_texts(french / "en" / "hcsmeufr-premier-tweetup-en.pptx")
    assert f"Every 1st Wednesday of the month, {hours('en')}" in en and "Why a French chapter?" in en
    de = pptx_texts(french / "de" / "hcsmeufr-premier-tweetup-de.pptx")
    assert f"Jeden ersten Mittwoch im Monat, {hours('de')}" in de and "„" in de
    assert [p for p in english_left(de) if p not in ENGLISH_CLDR] == []  # German writes "November" too


def test_the_french_deck_catalogs_are_current_and_complete(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(REPO / FRENCH, tmp_path / FRENCH)
    shutil.copytree(REPO / "assets", tmp_path / "assets")
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / FRENCH / "locales").rglob("*.po*")}
    result = run_cli_ok("i18n", "update", FRENCH)
    assert "updated" not in result.output
    assert {p: p.read_bytes() for p in (tmp_path / FRENCH / "locales").rglob("*.po*")} == before
    stats = run_cli_ok("i18n", "stats", FRENCH).output
    assert "de     100.0%" in stats and "en     100.0%" in stats
    pot = (tmp_path / FRENCH / "locales" / "deck.pot").read_text(encoding="utf-8")
    assert "rule.monthly" not in pot and "announce." not in pot  # deckgen's words are not the deck's


# --- an Italian deck, as a new chapter writes it -------------------------------------------------------


@pytest.fixture
def italian(project: Path) -> Path:
    folder = project / "decks" / "italiano"
    folder.mkdir(parents=True)
    shutil.copy(ITALIAN_ROOT / "deck.yaml", folder / "deck.yaml")
    return Path("decks") / "italiano"


@pytest.mark.slow
def test_an_italian_deck_and_its_announcements_hold_no_english(project: Path, italian: Path) -> None:
    result = run_cli_ok("build", italian, "--out", "out", "--strict")
    assert "Warning" not in result.output
    run_cli_ok("announce", italian, "--out", "out", "--next", "2011-03-08", "--strict")
    out = project / "out" / "hcsmeuit-benvenuti" / "it"
    texts = every_text(out)
    assert len(texts) == 8
    for name, text in texts.items():
        assert english_left(text) == [], name
    slides = texts["hcsmeuit-benvenuti-it.pptx"]
    for expected in ("Ogni secondo martedì del mese alle 18:30", f"Ogni prima domenica del mese, {hours('it', 10, 11)}",
                     "8 marzo 2011 — oggi!", "oltre 300", "«", "Berlino, marzo 2010", "8 marzo 2011 · 18:30"):
        assert expected in slides, expected
    post = texts["hcsmeuit-benvenuti-it-facebook.txt"]
    assert "Tweetup #hcsmeuit: ogni secondo martedì del mese alle 18:30" in post
    assert "Incontro trimestrale: giugno 2011 (date da definire)" in post


def test_an_event_without_an_end_is_an_hour_long_in_the_calendar(project: Path, italian: Path) -> None:
    run_cli_ok("announce", italian, "--out", "out", "--next", "2011-03-08", "--locale", "it")
    cal = Calendar.from_ical((project / "out/hcsmeuit-benvenuti/it/announce/hcsmeuit-benvenuti-it.ics").read_bytes())
    tweetup = next(ev for ev in cal.walk("VEVENT") if str(ev["SUMMARY"]) == "Tweetup #hcsmeuit")
    assert tweetup.decoded("DTSTART").isoformat() == "2011-03-08T18:30:00+01:00"
    assert "DTEND" not in tweetup and tweetup.decoded("DURATION").total_seconds() == 3600
    sunday = next(ev for ev in cal.walk("VEVENT") if str(ev["SUMMARY"]) == "Colazione della domenica")
    assert sunday.decoded("DTEND").isoformat() == "2011-04-03T11:30:00+02:00"


def test_a_source_language_without_deckgens_words_warns_per_phrase_and_strict_fails(
        project: Path, write_deck) -> None:
    deck = write_deck("""
        id: islenska
        title: Fundur
        language: is
        author: Við
        date: 2011-03-02
        events:
          - id: fundur
            title: Mánaðarlegur fundur
            recurrence: {weekday: wednesday, ordinal: 1, first: 2011-03-02, count: 3}
        slides:
          - {kind: title, title: Fundur}
          - {kind: schedule, title: Hvenær?, events: [fundur]}
        """)
    result = run_cli("build", deck, "--out", "out", "--format", "pptx")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "deckgen's own words" in line]
    assert len(warnings) == 2, result.stderr  # one per phrase: the rule and the page number
    assert any(w.startswith(f"Warning: {deck}/deck.yaml:3:11: [is] deckgen's own words have no Icelandic "
                            "translation for 'every 1^st^ Wednesday of the month'") for w in warnings)
    result = run_cli("build", deck, "--out", "out2", "--format", "pptx", "--strict")
    assert result.exit_code == 1 and "(--strict: warnings are errors)" in result.stderr
    assert not (project / "out2").exists()


def test_a_deck_catalog_overrides_one_of_deckgens_phrases(project: Path) -> None:
    """The example deck's French catalog words 'Berlin – mars 2010' its own way; German takes deckgen's."""
    run_cli_ok("build", "decks/hcsmeu-anniversary", "--locale", "fr", "--locale", "de", "--format", "pptx",
               "--out", "out")
    fr = pptx_texts(project / "out/hcsmeu-anniversary/fr/hcsmeu-anniversary-fr.pptx")
    de = pptx_texts(project / "out/hcsmeu-anniversary/de/hcsmeu-anniversary-de.pptx")
    assert "Berlin – mars 2010" in fr and "Août 2010 — aujourd’hui\u202f!!!" in fr
    assert "Berlin, März 2010" in de and "August 2010 — heute!" in de


def test_a_layout_override_words_a_phrase_its_own_way(project: Path, italian: Path) -> None:
    layouts = project / italian / "layouts"
    layouts.mkdir()
    text = (REPO / "src/deckgen/layouts/phrases.j2").read_text(encoding="utf-8")
    start = text.index("{%- macro today(date, word) -%}")
    end = text.index("{%- endmacro -%}", start)
    (layouts / "phrases.j2").write_text(text[:start] + "{%- macro today(date, word) -%}\n{{ date }} (**{{ word }}**)\n"
                                        + text[end:], encoding="utf-8")
    run_cli_ok("build", italian, "--out", "out", "--format", "pptx", "--strict")
    assert "8 marzo 2011 (oggi)" in pptx_texts(project / "out/hcsmeuit-benvenuti/it/hcsmeuit-benvenuti-it.pptx")
