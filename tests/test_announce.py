"""``deckgen announce`` (``deckgen.announce``, ``deckgen.announcing``): calendar, posts, e-mail, flyer.

The example deck is announced once per module with ``--next 2010-10-15`` in every locale it
has a catalog for; the calendar is parsed back with icalendar and its series expanded with
dateutil, the e-mail with Python's email package, the flyer with pypdf.  Small decks
written by the tests cover the rest (skipped dates, counts, errors, translation, escaping).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from conftest import EXAMPLE, EXAMPLE_DIR, REPO, copy_project, run_cli, run_cli_ok
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar
from pypdf import PdfReader

from deckgen.announce import LIMITS, Rich, post_length, twitter_length
from deckgen.build import output_path
from deckgen.events import recurrence_dates
from deckgen.formatting import Formatter
from deckgen.i18n import catalog_locales, po_path, read_catalog
from deckgen.load import load_deck

PARIS = ZoneInfo("Europe/Paris")
NEXT = "2010-10-15"
#: the locales the example deck ships a catalog for, and its source language
LOCALES = ["en", *[loc for loc in catalog_locales(REPO / EXAMPLE_DIR) if loc != "en"]]
KINDS = ["-facebook.txt", "-flyer.pdf", "-linkedin.txt", "-twitter.txt", ".eml", ".ics"]


@dataclass(frozen=True)
class Announced:
    root: Path
    result: Result

    def file(self, locale: str, suffix: str) -> Path:
        return self.root / "out" / EXAMPLE / locale / "announce" / f"{EXAMPLE}-{locale}{suffix}"

    def text(self, locale: str, suffix: str) -> str:
        return self.file(locale, suffix).read_text(encoding="utf-8")


def _announce_example(root: Path, *args: str, source: Path | None = None) -> Announced:
    if source is None:
        copy_project(root)
    else:  # the same inputs as another run, even if the repository changes meanwhile
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("out"))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = run_cli_ok("announce", EXAMPLE_DIR, "--out", "out", *args)
    return Announced(root, result)


@pytest.fixture(scope="module")
def announced(tmp_path_factory: pytest.TempPathFactory) -> Announced:
    """The example deck announced in every locale, as of 15 October 2010."""
    return _announce_example(tmp_path_factory.mktemp("announced") / "project", "--next", NEXT)


@pytest.fixture(scope="module")
def announced_again(tmp_path_factory: pytest.TempPathFactory, announced: Announced) -> Announced:
    """A second, independent run of the same project (English and French only), in another folder."""
    return _announce_example(tmp_path_factory.mktemp("again") / "elsewhere" / "project",
                             "--next", NEXT, "--locale", "fr", "--locale", "en", source=announced.root)


def test_the_example_has_catalogs_to_announce_in():
    assert set(LOCALES) >= {"en", "fr"}


def test_writes_every_announcement_for_every_locale(announced):
    files = sorted(p.relative_to(announced.root / "out").as_posix()
                   for p in (announced.root / "out").rglob("*") if p.is_file())
    assert files == sorted(f"{EXAMPLE}/{loc}/announce/{EXAMPLE}-{loc}{kind}" for loc in LOCALES for kind in KINDS)


def test_prints_one_line_per_file_and_a_summary(announced):
    lines = announced.result.stdout.splitlines()
    assert len(lines) == 6 * len(LOCALES) + 1
    assert all(re.fullmatch(r"wrote out/\S+ \(\d+(\.\d)? (B|KiB)\)", line) for line in lines[:-1]), lines
    assert re.fullmatch(rf"announced {6 * len(LOCALES)} files from 1 deck\(s\), \d+\.\d KiB, in \d+\.\d\d s",
                        lines[-1])


# --- the calendar ---------------------------------------------------------------------------


def calendar(announced: Announced, locale: str = "en") -> Calendar:
    return Calendar.from_ical(announced.file(locale, ".ics").read_bytes())


def vevent(cal: Calendar, uid: str):
    found = [ev for ev in cal.walk("VEVENT") if str(ev["uid"]) == uid]
    assert len(found) == 1, [str(ev["uid"]) for ev in cal.walk("VEVENT")]
    return found[0]


def expand(ev) -> list[dt.datetime]:
    """Every start of a VEVENT's series: RRULE from DTSTART, minus EXDATEs."""
    start = ev.decoded("dtstart")
    rules = rruleset()
    rules.rrule(rrulestr(ev["rrule"].to_ical().decode(), dtstart=start))
    exdates = ev.get("exdate", [])
    for group in exdates if isinstance(exdates, list) else [exdates]:
        for d in group.dts:
            rules.exdate(d.dt)
    return list(rules)


TWEETUP_UID = f"tweetup.{EXAMPLE}@deckgen"


def test_the_first_four_tweetups_are_at_13_00_paris_time(announced):
    starts = expand(vevent(calendar(announced), TWEETUP_UID))
    assert [s.date() for s in starts[:4]] == [dt.date(2010, 9, 1), dt.date(2010, 10, 6),
                                             dt.date(2010, 11, 3), dt.date(2010, 12, 1)]
    assert all(s.astimezone(PARIS).time() == dt.time(13, 0) for s in starts)


def test_tweetups_stay_at_13_00_across_daylight_saving_time(announced):
    starts = {s.date(): s for s in expand(vevent(calendar(announced), TWEETUP_UID))}
    october, november, march = starts[dt.date(2010, 10, 6)], starts[dt.date(2010, 11, 3)], starts[dt.date(2011, 3, 2)]
    assert october.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert november.utcoffset() == dt.timedelta(hours=1)  # after the change of 31 October
    assert march.utcoffset() == dt.timedelta(hours=1)
    assert [s.astimezone(dt.timezone.utc).hour for s in (october, november, march)] == [11, 12, 12]
    assert {s.astimezone(PARIS).strftime("%H:%M") for s in (october, november, march)} == {"13:00"}


def test_the_calendar_and_the_schedule_slide_give_the_same_dates(announced):
    rule = load_deck(REPO / EXAMPLE_DIR).deck.event("tweetup").recurrence
    assert [s.date() for s in expand(vevent(calendar(announced), TWEETUP_UID))] == recurrence_dates(rule)
    assert recurrence_dates(rule)[-1] == dt.date(2011, 8, 3)


def test_the_series_is_one_event_with_a_rule_ending_in_utc(announced):
    ev = vevent(calendar(announced), TWEETUP_UID)
    assert ev["rrule"].to_ical().decode() == "FREQ=MONTHLY;UNTIL=20110831T110000Z;BYDAY=1WE"
    assert ev.decoded("dtend") - ev.decoded("dtstart") == dt.timedelta(hours=1)
    assert ev["dtstart"].params["TZID"] == "Europe/Paris"
    assert "DTSTART;TZID=Europe/Paris:20100901T130000" in announced.text("en", ".ics")


def test_the_calendar_has_a_vtimezone_for_every_tzid(announced):
    cal = calendar(announced)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert not cal.get_missing_tzids()


def test_the_anniversary_evening_is_a_dated_event(announced):
    ev = vevent(calendar(announced), f"anniversary-20100806.{EXAMPLE}@deckgen")
    assert ev.decoded("dtstart") == dt.datetime(2010, 8, 6, 17, 30, tzinfo=PARIS)
    assert ev.decoded("dtend") == dt.datetime(2010, 8, 6, 20, 0, tzinfo=PARIS)
    assert str(ev["location"]) == "Paris"


def test_months_without_a_day_are_left_out_of_the_calendar(announced):
    uids = [str(ev["uid"]) for ev in calendar(announced).walk("VEVENT")]
    assert uids == [f"anniversary-20100806.{EXAMPLE}@deckgen", TWEETUP_UID]


def test_uids_are_the_same_in_every_locale(announced):
    assert len({tuple(str(ev["uid"]) for ev in calendar(announced, loc).walk("VEVENT")) for loc in LOCALES}) == 1


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_rebuilding_gives_the_same_calendar_bytes(announced, announced_again, locale):
    assert announced.file(locale, ".ics").read_bytes() == announced_again.file(locale, ".ics").read_bytes()


@pytest.mark.parametrize("suffix", [".eml", "-flyer.pdf", "-twitter.txt"])
def test_rebuilding_gives_the_same_announcement_bytes(announced, announced_again, suffix):
    assert announced.file("fr", suffix).read_bytes() == announced_again.file("fr", suffix).read_bytes()


def test_calendar_texts_are_in_the_locale(announced):
    catalog = read_catalog(po_path(announced.root / EXAMPLE_DIR, "fr"), "fr")
    title = catalog.get("#hcsmeufr tweetup", context="event.tweetup.title").string
    ev = vevent(calendar(announced, "fr"), TWEETUP_UID)
    assert str(ev["summary"]) == title
    assert ev["summary"].params["LANGUAGE"] == "fr"
    assert ev["description"].params["LANGUAGE"] == "fr"


# --- posts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("network", list(LIMITS))
def test_posts_respect_their_limits_in_every_locale(announced, locale, network):
    text = announced.text(locale, f"-{network}.txt").rstrip("\n")
    assert 0 < post_length(network, text) <= LIMITS[network]


@pytest.mark.parametrize("locale", LOCALES)
def test_posts_name_the_next_tweetup_in_the_locales_format(announced, locale):
    fmt = Formatter(locale)
    november = str(Rich(fmt.date(dt.date(2010, 11, 3), "full"))).casefold()
    october = str(Rich(fmt.date(dt.date(2010, 10, 6), "full"))).casefold()
    for network in LIMITS:
        text = announced.text(locale, f"-{network}.txt").casefold()
        if network == "twitter":
            assert november in text.splitlines()[2]
        assert november in text
        assert october not in text


def test_the_twitter_post(announced):
    assert announced.text("en", "-twitter.txt") == textwrap.dedent("""\
        Next: #hcsmeufr tweetup

        🗓 Wednesday, November 3, 2010, 1:00\u2009–\u20092:00\u202fPM (Paris time)
        📍 #hcsmeufr on Twitter
        🔗 http://hcsmeufr.wikispaces.com/

        Slides: https://www.slideshare.net/hcsmeufr

        #hcsmeu @hcsmeu
        """)


def test_posts_give_hashtag_handle_and_slides(announced):
    for network in LIMITS:
        text = announced.text("fr", f"-{network}.txt")
        assert "#hcsmeu @hcsmeu" in text
        assert "https://www.slideshare.net/hcsmeufr" in text


def test_long_posts_list_later_dates_and_dates_to_be_set(announced):
    text = announced.text("en", "-linkedin.txt")
    assert "Wednesday, December 1, 2010, 1:00\u2009–\u20092:00\u202fPM: #hcsmeufr tweetup" in text
    assert "Quarterly meeting: November 2010, February 2011, and May 2011 (dates to be set)" in text


@pytest.mark.parametrize(("text", "length"), [
    ("hello", 5),
    ("https://www.slideshare.net/hcsmeufr/a-very-long-address-indeed-yes", 23),
    ("see hcsmeu.com.", 4 + 23 + 1),  # a bare domain is a link; the full stop is not part of it
    ("http://is.gd/e5Gzg", 23),  # a short link counts 23 too
    ("write to hcsmeufr@gmail.com", 27),  # an e-mail address is not a link
    ("13.00 e.g. #hcsmeu", 18),
    ("Τετάρτη", 7),  # Greek weighs 1
    ("🗓 é–", 5),  # an emoji weighs 2; é and the en dash 1
    ("1…€", 5),  # the ellipsis (U+2026) and the euro sign (U+20AC) weigh 2 on X
    ("会议", 4),  # CJK weighs 2
])
def test_twitter_length_counts_as_x_does(text, length):
    assert twitter_length(text) == length


# --- the e-mail -------------------------------------------------------------------------------


def message(announced: Announced, locale: str) -> email.message.EmailMessage:
    return email.message_from_bytes(announced.file(locale, ".eml").read_bytes(), policy=email.policy.default)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_email_has_a_text_and_an_html_part(announced, locale):
    msg = message(announced, locale)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in parts] == ["utf-8", "utf-8"]
    assert msg["Content-Language"] == locale
    assert msg.defects == [] and all(p.defects == [] for p in parts)


def test_the_email_subject_and_body_are_in_the_locale(announced):
    msg = message(announced, "fr")
    assert msg["Subject"].endswith(", mercredi 3 novembre 2010")
    assert "Mercredi 1er décembre 2010" in msg.get_body(("plain",)).get_content()
    assert "Mercredi 1<sup>er</sup> décembre 2010" in msg.get_body(("html",)).get_content()
    assert '<html lang="fr" dir="ltr">' in msg.get_body(("html",)).get_content()


def test_the_email_headers(announced):
    msg = message(announced, "en")
    assert msg["From"].addresses[0].addr_spec == "hcsmeufr@gmail.com"  # from the deck's channels
    assert msg["From"].addresses[0].display_name == "#hcsmeufr organisers"
    assert str(msg["To"]) == "undisclosed-recipients:;"
    assert msg["Date"].datetime == dt.datetime(2010, 10, 15, 8, 0, tzinfo=dt.timezone.utc)
    assert msg["Message-ID"] == f"<announce.20101015.en.{EXAMPLE}@deckgen>"
    assert msg["X-Unsent"] == "1"  # Outlook opens it as a draft to send


def test_the_email_html_is_self_contained_and_inline_styled(announced):
    html = message(announced, "en").get_body(("html",)).get_content()
    assert "<style" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"\b(src|background)=|url\(", html)
    assert 'style="color:#0B6E99"' in html  # links carry the brand's link colour inline
    assert "#0B4F6C" in html  # the brand's primary colour


# --- the flyer ----------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_the_flyer_is_one_a4_page(announced, locale):
    reader = PdfReader(announced.file(locale, "-flyer.pdf"))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595, abs=1) and float(box.height) == pytest.approx(842, abs=1)


def test_the_flyer_embeds_its_fonts(announced):
    page = PdfReader(announced.file("en", "-flyer.pdf")).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
            else font["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]


def test_the_flyer_shows_the_next_date_and_the_channels(announced):
    text = PdfReader(announced.file("en", "-flyer.pdf")).pages[0].extract_text()
    for expected in ("Next: #hcsmeufr tweetup", "Wednesday, November 3, 2010", "Wednesday, December 1, 2010",
                     "hcsmeufr@gmail.com", "Find us"):
        assert expected in text
    assert "October 6, 2010" not in text


def test_the_flyer_shows_every_channel(announced):
    """All seven of the example's channels (the layout used to stop at six)."""
    text = " ".join(PdfReader(announced.file("en", "-flyer.pdf")).pages[0].extract_text().split())
    for value in ("#hcsmeufr and @hcsmeufr", "hcsmeufr@gmail.com", "the calendar and the guestbook",
                  "linkedin.com/groups?gid=3284294", "facebook.com/#!/hcsmeu", "slideshare.net/hcsmeufr",
                  "hcsmeufr.wikispaces.com"):
        assert value in text


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_flyer_is_a_tagged_pdf_in_its_language(announced, locale):
    """Like the slides (docs/accessibility.md): PDF/UA-1, its language and title, the logo an artifact."""
    import pdf_structure

    structure = pdf_structure.read(announced.file(locale, "-flyer.pdf"))
    assert structure.problems == []
    assert structure.lang == locale and structure.title.startswith("Next" if locale == "en" else "Prochain")
    assert structure.counts["H1"] == 1 and structure.counts["Link"] >= 7 and structure.counts["Figure"] == 0


@pytest.mark.slow
def test_a_flyer_without_room_for_every_channel_says_which_it_left_out(project, write_deck):
    channels = "".join(f"      - network: Network number {n}\n        handles: ['@handle{n}']\n"
                       f"        links: [{{url: 'https://example.org/a/rather/long/address/for/channel/{n}'}},"
                       f" {{url: 'https://example.org/another/long/address/{n}'}}]\n"
                       for n in range(1, 11))
    deck = tweetup_deck(write_deck)
    file = project / deck / "deck.yaml"
    file.write_text(file.read_text() + "  - kind: channels\n    title: Where?\n    channels:\n" + channels,
                    encoding="utf-8")
    exe = Path(sys.executable).with_name("deckgen")
    run = subprocess.run([str(exe), "announce", "decks/t", "--out", "out", "--next", "2010-09-01"], cwd=project,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    m = re.search(r"Warning: decks/t/deck.yaml:(\d+):\d+: \[en\] the A4 flyer has no room for every channel: it "
                  r"leaves out (Network number \d+(?:, Network number \d+)*) \(it shows (\d+) of 10\)", run.stderr)
    assert m, run.stderr
    left_out = m.group(2).split(", ")
    assert int(m.group(3)) + len(left_out) == 10 and left_out[-1] == "Network number 10"
    assert file.read_text().splitlines()[int(m.group(1)) - 1].strip() == "channels:"
    text = " ".join(PdfReader(project / "out/t/en/announce/t-en-flyer.pdf").pages[0].extract_text().split())
    shown = {int(n) for n in re.findall(r"@handle(\d+)", text)}
    assert shown == set(range(1, int(m.group(3)) + 1)), text
    strict = subprocess.run([str(exe), "announce", "decks/t", "--out", "out2", "--next", "2010-09-01", "--strict"],
                            cwd=project, capture_output=True, text=True, timeout=300)
    assert strict.returncode == 1 and "the A4 flyer has no room" in strict.stderr


# --- translation --------------------------------------------------------------------------------


def test_announcement_words_are_deckgens_own_not_the_decks(project):
    """They ship in deckgen's catalogs (docs/languages.md); a deck's template does not list them."""
    run_cli_ok("i18n", "extract", EXAMPLE_DIR)
    pot = (project / EXAMPLE_DIR / "locales" / "deck.pot").read_text(encoding="utf-8")
    own = (REPO / "src" / "deckgen" / "locale" / "deckgen.pot").read_text(encoding="utf-8")
    for context, msgid in [("announce.headline.next", "Next: %(title)s"),
                           ("announce.local-time", "%(time)s (%(city)s time)"),
                           ("announce.coming-up", "Coming up"),
                           ("announce.next-dates", "Next dates")]:
        assert f'msgctxt "{context}"\nmsgid "{msgid}"' in own
        assert f'msgctxt "{context}"' not in pot
    assert "#: src/deckgen/layouts/announce/macros.j2:" in own


DECK = """\
id: t
title: Test deck
author: Test author
date: 2010-08-06
events:
{events}
slides:
  - kind: title
    title: T
"""
TWEETUP = """\
  - id: tweetup
    title: {title}
    recurrence:
      weekday: wednesday
      ordinal: 1
      first: 2010-09-01
      {end}
    start: "13:00"
    end: "14:00"
    timezone: Europe/Paris
    online: "#t on Twitter"
"""
PO_HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def tweetup_deck(write_deck, title: str = "Tweetup", end: str = "count: 5", more: str = "") -> Path:
    return write_deck(DECK.format(events=TWEETUP.format(title=title, end=end) + more))


def out_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / "out").rglob("*") if p.is_file()) if (project / "out").exists() else []


def test_announcement_words_are_translated_through_the_catalog(project, write_deck):
    deck = tweetup_deck(write_deck, title="'Cakes & <b>ale</b>'")
    po = project / deck / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO_HEADER + textwrap.dedent("""
        msgctxt "announce.headline.next"
        msgid "Next: %(title)s"
        msgstr "Prochain rendez-vous : %(title)s"

        msgctxt "announce.coming-up"
        msgid "Coming up"
        msgstr "<i>Ensuite</i>"
        """), encoding="utf-8")
    run_cli_ok("announce", deck, "--out", "out", "--locale", "fr", "--next", "2010-09-02")
    folder = project / "out" / "t" / "fr" / "announce"
    twitter = (folder / "t-fr-twitter.txt").read_text(encoding="utf-8")
    assert twitter.startswith("Prochain rendez-vous : Cakes & <b>ale</b>\n")  # text is not escaped
    fr = Formatter("fr")
    assert f"Mercredi 6 octobre 2010, {fr.time_range(dt.time(13), dt.time(14))} (heure de Paris)" in twitter
    msg = email.message_from_bytes((folder / "t-fr.eml").read_bytes(), policy=email.policy.default)
    html = msg.get_body(("html",)).get_content()
    assert "Prochain rendez-vous : Cakes &amp; &lt;b&gt;ale&lt;/b&gt;" in html  # HTML is
    assert "&lt;i&gt;Ensuite&lt;/i&gt;" in html  # translations are untrusted: escaped in HTML
    assert "<b>" not in html and "<i>" not in html


def test_missing_announcement_translations_warn_and_strict_fails(project, write_deck):
    """A language deckgen's own words do not cover (Icelandic): each phrase shown in English is named."""
    deck = tweetup_deck(write_deck)
    po = project / deck / "locales" / "is" / "LC_MESSAGES" / "deck.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO_HEADER.replace("Language: fr", "Language: is"), encoding="utf-8")
    result = run_cli_ok("announce", deck, "--out", "out", "--locale", "is", "--next", "2010-09-02")
    warnings = [line for line in result.stderr.splitlines() if "deckgen's own words" in line]
    assert len(warnings) > 5, result.stderr  # one per phrase
    assert ("Warning: decks/t/locales/is/LC_MESSAGES/deck.po: [is] deckgen's own words have no Icelandic "
            "translation for 'Next: %(title)s' (announce.headline.next); showing the English text" in result.stderr)
    assert "[is] event.tweetup.title: no translation for 'Tweetup'; showing the source text" in result.stderr
    result = run_cli("announce", deck, "--out", "out2", "--locale", "is", "--next", "2010-09-02", "--strict")
    assert result.exit_code == 1
    assert "(--strict: warnings are errors)" in result.stderr
    assert not (project / "out2").exists()


@pytest.mark.skipif(not (REPO / "assets/brands/fr/brand.yaml").is_file(), reason="no French chapter brand")
def test_another_brand_gives_its_hashtag_and_its_own_folder(project):
    run_cli_ok("announce", EXAMPLE_DIR, "--out", "out", "--next", NEXT, "--locale", "en", "--brand", "fr")
    deck_output = output_path(project / "out", EXAMPLE, "en", "pdf", "fr")  # beside the build's, named alike
    folder = deck_output.parent / "announce"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{deck_output.stem}{kind}" for kind in KINDS)
    assert (folder / f"{deck_output.stem}-twitter.txt").read_text().endswith("\n#hcsmeufr @hcsmeufr\n")


def test_a_deck_can_override_an_announcement_layout(project, write_deck):
    deck = tweetup_deck(write_deck)
    layout = project / deck / "layouts" / "announce" / "post-twitter.txt.j2"
    layout.parent.mkdir(parents=True)
    layout.write_text("{{ a.next.title }} {{ a.next.iso }} {{ a.hashtag }}\n", encoding="utf-8")
    run_cli_ok("announce", deck, "--out", "out", "--next", "2010-09-02")
    assert (project / "out/t/en/announce/t-en-twitter.txt").read_text() == "Tweetup 2010-10-06 #hcsmeu\n"


# --- calendar rules from written decks ---------------------------------------------------------


def written_calendar(project: Path, deck: Path) -> Calendar:
    run_cli_ok("announce", deck, "--out", "out", "--next", "2010-09-01")
    return Calendar.from_ical((project / "out/t/en/announce/t-en.ics").read_bytes())


def test_skipped_dates_become_exdates_and_count_stays_the_rules(project, write_deck):
    deck = tweetup_deck(write_deck, end="count: 5\n      skip: [2010-11-03]")
    ev = vevent(written_calendar(project, deck), "tweetup.t@deckgen")
    assert ev["rrule"].to_ical().decode() == "FREQ=MONTHLY;COUNT=5;BYDAY=1WE"
    assert "EXDATE;TZID=Europe/Paris:20101103T130000" in (project / "out/t/en/announce/t-en.ics").read_text()
    rule = load_deck(project / deck).deck.event("tweetup").recurrence
    assert [s.date() for s in expand(ev)] == recurrence_dates(rule) == [
        dt.date(2010, 9, 1), dt.date(2010, 10, 6), dt.date(2010, 12, 1), dt.date(2011, 1, 5)]


def test_count_or_until_whichever_ends_first(project, write_deck):
    deck = tweetup_deck(write_deck, end="count: 12\n      until: 2010-12-31")
    ev = vevent(written_calendar(project, deck), "tweetup.t@deckgen")
    assert ev["rrule"].to_ical().decode() == "FREQ=MONTHLY;UNTIL=20101231T120000Z;BYDAY=1WE"
    assert [s.date() for s in expand(ev)][-1] == dt.date(2010, 12, 1)


def test_last_weekday_rules_and_all_day_events(project, write_deck):
    events = """\
  - id: meetup
    title: Meetup
    recurrence: {weekday: friday, ordinal: -1, first: 2010-09-24, until: 2011-03-31}
  - id: camp
    title: Camp
    dates: [2010-11-20]
"""
    deck = write_deck(DECK.format(events=events))
    cal = written_calendar(project, deck)
    meetup = vevent(cal, "meetup.t@deckgen")
    assert meetup["rrule"].to_ical().decode() == "FREQ=MONTHLY;UNTIL=20110331;BYDAY=-1FR"
    rule = load_deck(project / deck).deck.event("meetup").recurrence
    assert [s.date() for s in expand(meetup)] == recurrence_dates(rule)
    camp = vevent(cal, "camp-20101120.t@deckgen")
    assert camp.decoded("dtstart") == dt.date(2010, 11, 20) and camp.decoded("dtend") == dt.date(2010, 11, 21)
    assert not cal.walk("VTIMEZONE")  # no times, no time zone


# --- errors --------------------------------------------------------------------------------------


def line_of(text: str, snippet: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if snippet in line]
    assert len(lines) == 1, f"{snippet!r} is on lines {lines}"
    return lines[0]


def announce_error(project: Path, deck: Path, *args: str) -> str:
    result = run_cli("announce", deck, "--out", "out", *args)
    assert result.exit_code == 1, result.output
    assert out_files(project) == []  # nothing written
    return result.stderr


def test_a_post_too_long_says_by_how_much(project, write_deck):
    deck = tweetup_deck(write_deck, title="A" + " very" * 50 + " long title")
    err = announce_error(project, deck, "--next", "2010-09-01")
    m = re.search(r"Error: deck 't' \[en\]: the twitter post is (\d+) characters too long \((\d+) of 280, "
                  r"links counted as 23\); shorten", err)
    assert m, err
    assert int(m.group(1)) == int(m.group(2)) - 280 > 0


def test_a_flyer_longer_than_a_page_is_an_error(project, write_deck):
    deck = tweetup_deck(write_deck, more="    description: " + "Words words words. " * 120 + "\n")
    err = announce_error(project, deck, "--next", "2010-09-01")
    assert ("Error: deck 't' [en]: the flyer takes 2 pages instead of one, even with fewer dates and smaller "
            "type; shorten the event's title or description in this language") in err


def test_nothing_left_to_announce(project, write_deck):
    deck = tweetup_deck(write_deck)
    err = announce_error(project, deck, "--next", "2030-01-01")
    text = (project / deck / "deck.yaml").read_text()
    assert (f"Error: decks/t/deck.yaml:{line_of(text, 'events:')}:1: deck 't': no event takes place on or "
            "after 2030-01-01 (the last is on 2011-01-05); announce from an earlier date with --next YYYY-MM-DD"
            in err)


def test_a_deck_without_dated_events_is_an_error(project, write_deck):
    deck = write_deck(DECK.format(events="  - id: q\n    title: Quarterly\n    dates: [2010-11]\n"))
    err = announce_error(project, deck, "--next", "2010-09-01")
    assert "deck 't' has no event with a date to announce; give an event a 'recurrence' or a day" in err


@pytest.mark.parametrize(("change", "snippet", "message"), [
    (("first: 2010-09-01", "first: 2010-09-02"), None,
     "'first' 2010-09-02 is not the first wednesday of its month (that is 2010-09-01)"),
    (('    timezone: Europe/Paris\n', ''), "- id: tweetup", "needs a 'timezone', e.g. Europe/Paris"),
    (('end: "14:00"', 'end: "12:00"'), 'end: "12:00"', "'end': must be after 'start' (13:00)"),
    (("count: 5", "until: 2010-08-31"), None, "'until' (2010-08-31) is before 'first' (2010-09-01)"),
    (("Europe/Paris", "Europe/Pariss"), "timezone:",
     "unknown time zone 'Europe/Pariss'; use an IANA name such as Europe/Paris"),
])
def test_bad_event_data_is_an_error_with_its_line(project, write_deck, change, snippet, message):
    deck = tweetup_deck(write_deck)
    file = project / deck / "deck.yaml"
    text = file.read_text().replace(*change)
    file.write_text(text)
    err = announce_error(project, deck, "--next", "2010-09-01")
    m = re.search(r"Error: decks/t/deck\.yaml:(\d+):\d+: (.*)", err)
    assert m, err
    assert message in m.group(2)
    lines = ([line_of(text, snippet)] if snippet else
             [line_of(text, "recurrence:"), line_of(text, change[1].split(":")[0] + ":")])
    assert int(m.group(1)) in lines


def test_an_unknown_locale_is_an_error(project):
    err = announce_error(project, EXAMPLE_DIR, "--locale", "pt")
    assert "has no catalog for pt" in err


def test_a_bad_next_date_is_a_usage_error(project):
    result = run_cli("announce", EXAMPLE_DIR, "--next", "15/10/2010")
    assert result.exit_code == 2
    assert "'15/10/2010' does not match the format '%Y-%m-%d'" in result.stderr
