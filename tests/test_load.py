"""Loading deck.yaml (``deckgen.load``): the example deck, YAML 1.2 values, and located, helpful errors."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest
from conftest import ALL_KINDS, EXAMPLE_DIR, EXAMPLE_SLIDES, REPO

from deckgen.errors import DeckError
from deckgen.load import load_deck, slugify
from deckgen.model import ImageSlide, QuoteSlide

HEAD = """\
id: t
title: Test deck
author: Test author
date: 2010-08-06
"""
EVENTS_OK = """\
events:
  - id: tweetup
    title: Tweetup
    dates: [2010-09-01]
"""


def deck_text(body: str, events: str = "") -> str:
    """A deck file: the common head, then *events* and *body* (a dedented YAML block)."""
    return HEAD + events + textwrap.dedent(body).lstrip("\n")


def line_of(text: str, snippet: str) -> int:
    """The 1-based number of the only line of *text* containing *snippet*."""
    lines = [i for i, line in enumerate(text.splitlines(), 1) if snippet in line]
    assert len(lines) == 1, f"{snippet!r} is on lines {lines}"
    return lines[0]


def col_of(text: str, snippet: str) -> int:
    """The 1-based column where *snippet* starts on its line."""
    return text.splitlines()[line_of(text, snippet) - 1].index(snippet) + 1


def load_error(write_deck, text: str) -> DeckError:
    folder = write_deck(text)
    with pytest.raises(DeckError) as info:
        load_deck(folder)
    return info.value


# --- the example deck -------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return load_deck(REPO / EXAMPLE_DIR).deck


def test_example_deck_slide_ids_and_kinds(example):
    assert [(s.sid, s.kind) for s in example.slides] == [(sid, kind) for sid, kind, _ in EXAMPLE_SLIDES]


def test_example_deck_metadata(example):
    assert example.id == "hcsmeu-anniversary"
    assert example.language == "en"
    assert example.date == dt.date(2010, 8, 6)
    assert "#hcsmeufr" in example.keywords


def test_example_deck_times_are_times_not_minutes(example):
    tweetup = example.event("tweetup")
    assert tweetup.start == dt.time(13, 0)
    assert tweetup.end == dt.time(14, 0)
    cover = example.slides[0]
    assert (cover.start, cover.end) == (dt.time(17, 30), dt.time(20, 0))


def test_example_deck_folded_text_is_one_line(example):
    quote = next(s for s in example.slides if isinstance(s, QuoteSlide))
    assert quote.text == ("#hcsmeu is in full bloom and growing into Something Big. "
                          "Something that will be able to make people and things evolve.")


def test_example_deck_image_is_beside_the_deck(example):
    image = next(s for s in example.slides if isinstance(s, ImageSlide))
    assert image.file == "ecosystem.png"
    assert image.alt.startswith("The #hcsmeufr digital ecosystem")


# --- YAML 1.2 values ----------------------------------------------------------------------


def test_unquoted_times_stay_times(write_deck):
    folder = write_deck(deck_text("""
        events:
          - id: tweetup
            title: Tweetup
            dates: [2010-09-01]
            start: 13:00
            end: 14:30
            timezone: Europe/Paris
        slides:
          - kind: schedule
            title: When?
            events: [tweetup]
        """))
    event = load_deck(folder).deck.event("tweetup")
    assert event.start == dt.time(13, 0)  # YAML 1.1 would read 13:00 as 780 (sexagesimal)
    assert event.end == dt.time(14, 30)


def test_norway_stays_a_country_code(write_deck):
    folder = write_deck(deck_text("""
        slides:
          - kind: quote
            text: Hei!
            author: Someone
            country: NO
        """))
    assert load_deck(folder).deck.slides[0].country == "NO"  # YAML 1.1 would read a boolean


# --- derived slide ids ------------------------------------------------------------------


def test_slide_id_is_derived_from_the_title(write_deck):
    folder = write_deck(deck_text("""
        slides:
          - kind: section
            title: "#hcsmeu – Où ?"
          - kind: section
            title: Why we meet
          - kind: section
            title: Why we meet
          - kind: quote
            text: A quote has no title.
            author: Someone
        """))
    ids = [s.sid for s in load_deck(folder).deck.slides]
    assert ids == ["hcsmeu-ou", "why-we-meet", "why-we-meet-2", "quote-4"]


def test_derived_id_does_not_take_an_explicit_one(write_deck):
    folder = write_deck(deck_text("""
        slides:
          - kind: section
            title: Intro
          - id: intro
            kind: section
            title: Another intro
        """))
    assert [s.sid for s in load_deck(folder).deck.slides] == ["intro-2", "intro"]


def test_errors_name_a_derived_slide_id(write_deck):
    err = load_error(write_deck, deck_text("""
        slides:
          - kind: bullets
            title: Why we meet
        """))
    assert "slide why-we-meet: missing required field 'items'" in str(err)


@pytest.mark.parametrize("title, slug", [
    ("Our beliefs", "our-beliefs"),
    ("#hcsmeu ~fr~: digital ecosystem", "hcsmeu-fr-digital-ecosystem"),
    ("Où ? Quand ?", "ou-quand"),
    ("!!!", ""),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


# --- located errors ----------------------------------------------------------------------


def test_missing_deck_file_says_how_to_create_one(project):
    (project / "decks" / "empty").mkdir()
    with pytest.raises(DeckError, match=r"no deck\.yaml in decks/empty; create one with 'deckgen new decks/empty'"):
        load_deck("decks/empty")


def test_yaml_syntax_error_tab_indent(write_deck):
    text = deck_text("""
        slides:
          - id: s1
            kind: bullets
            title: X
            items:
        \t- a tab-indented item
        """)
    err = load_error(write_deck, text)
    assert f"decks/t/deck.yaml:{line_of(text, 'tab-indented')}:1: YAML syntax error" in str(err)
    assert "replace the tab" in str(err)


def test_unknown_kind_lists_the_expected_kinds(write_deck):
    text = deck_text("""
        slides:
          - id: s1
            kind: bulets
            title: X
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, 'kind: bulets')}:{col_of(text, 'bulets')}:" in err
    assert "slide s1: unknown slide kind 'bulets'; did you mean 'bullets'? (kinds: " in err
    assert sorted(err.split("(kinds: ")[1].rstrip(")").split(", ")) == sorted(ALL_KINDS)


def test_missing_required_field(write_deck):
    text = deck_text("""
        slides:
          - id: s1
            kind: bullets
            title: X
        """)
    err = str(load_error(write_deck, text))
    assert err == f"decks/t/deck.yaml:{line_of(text, 'id: s1')}:5: slide s1: missing required field 'items'"


def test_missing_slide_title_names_the_field(write_deck):
    err = str(load_error(write_deck, deck_text("""
        slides:
          - id: s1
            kind: section
            subtitle: no title above
        """)))
    assert err.endswith("slide s1: missing required field 'title'")


def test_missing_deck_title_names_the_field(write_deck):
    err = str(load_error(write_deck, """
        id: t
        author: me
        date: 2010-08-06
        slides:
          - kind: section
            title: A
        """))
    assert err == "decks/t/deck.yaml:1:1: missing required field 'title'"


def test_unknown_field_suggests_the_right_one(write_deck):
    text = deck_text("""
        slides:
          - id: s1
            kind: bullets
            title: X
            itmes: [a]
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, 'itmes')}:{col_of(text, 'itmes')}: slide s1: " in err
    assert "unknown field 'itmes'; did you mean 'items'?" in err


def test_wrong_type(write_deck):
    text = deck_text(events=EVENTS_OK, body="""
        slides:
          - id: s1
            kind: schedule
            title: When?
            events: [tweetup]
            show: many
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, 'show:')}:{col_of(text, 'many')}: slide s1: " in err
    assert "'show'" in err and "integer" in err and "'many'" in err


def test_missing_image_file(write_deck):
    text = deck_text("""
        slides:
          - id: pic
            kind: image
            file: nope.png
            alt: A picture
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, 'nope.png')}:{col_of(text, 'nope.png')}: slide pic: " in err
    assert "image 'nope.png' not found in decks/t/" in err


@pytest.mark.parametrize("name, why", [
    ("../../assets/brands/hcsmeu/brand.yaml", "outside the deck folder"),
    ("/etc/hostname", "relative path"),
    ("https://example.org/a.png", "relative path"),
])
def test_image_must_be_a_file_in_the_deck_folder(write_deck, name, why):
    err = str(load_error(write_deck, deck_text(f"""
        slides:
          - id: pic
            kind: image
            file: "{name}"
            alt: A picture
        """)))
    assert "slide pic: " in err and why in err


def test_duplicate_slide_id(write_deck):
    text = deck_text("""
        slides:
          - id: s1  # first
            kind: section
            title: A
          - id: s1  # again
            kind: section
            title: B
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, '# again')}:{col_of(text, 's1  # again')}: " in err
    assert "slide s1: duplicate slide id 's1'" in err
    assert f"already used on line {line_of(text, '# first')}" in err


def test_unknown_event_in_schedule(write_deck):
    text = deck_text(events=EVENTS_OK, body="""
        slides:
          - id: when
            kind: schedule
            title: When?
            events: [tweetup, meetup]
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, 'events: [')}:{col_of(text, 'meetup')}: slide when: " in err
    assert "unknown event 'meetup'; events of this deck: tweetup" in err


def test_unquoted_hashtag_is_not_silently_dropped(write_deck):
    text = deck_text("""
        slides:
          - id: s1
            kind: section
            title: Join us
            subtitle: every month on #hcsmeufr
        """)
    err = str(load_error(write_deck, text))
    assert f"decks/t/deck.yaml:{line_of(text, 'subtitle')}:{col_of(text, '#hcsmeufr')}: " in err
    assert "'#hcsmeufr' is read as a YAML comment" in err
    assert "quotes" in err


def test_unquoted_hashtag_error_names_the_slide(write_deck):
    err = str(load_error(write_deck, deck_text("""
        slides:
          - id: s1
            kind: section
            title: Join us
            subtitle: every month on #hcsmeufr
        """)))
    assert "slide s1: " in err


def test_a_real_comment_is_fine(write_deck):
    folder = write_deck(deck_text("""
        slides:
          - id: s1  # the first slide
            kind: section
            title: "Join us on #hcsmeufr"  # quoted: the hashtag is text
        """))
    assert load_deck(folder).deck.slides[0].title == "Join us on #hcsmeufr"


# --- events ------------------------------------------------------------------------------


EVENT_SLIDES = """
slides:
  - id: when
    kind: schedule
    title: When?
    events: [e]
"""


def event_error(write_deck, event: str) -> tuple[str, str]:
    text = deck_text("events:\n" + textwrap.indent(textwrap.dedent(event).lstrip("\n"), "  ") + EVENT_SLIDES)
    return text, str(load_error(write_deck, text))


def test_recurrence_first_date_not_on_the_rule_weekday(write_deck):
    text, err = event_error(write_deck, """
        - id: e
          title: Tweetup
          recurrence:
            weekday: wednesday
            ordinal: 1
            first: 2010-09-02
            count: 3
        """)
    line = int(re.search(r"deck\.yaml:(\d+):\d+: ", err).group(1))
    assert line in (line_of(text, "recurrence:"), line_of(text, "first:"))
    assert "'first' 2010-09-02 is not the first wednesday of its month (that is 2010-09-01)" in err


def test_event_end_before_start(write_deck):
    text, err = event_error(write_deck, """
        - id: e
          title: Tweetup
          dates: [2010-09-01]
          start: "14:00"
          end: "13:00"
          timezone: Europe/Paris
        """)
    assert f"decks/t/deck.yaml:{line_of(text, 'end: ')}:" in err  # the line of the end time
    assert "'end': must be after 'start' (14:00) (got '13:00')" in err


def test_an_event_may_have_a_start_without_an_end_but_not_the_reverse(write_deck):
    text, err = event_error(write_deck, """
        - id: e
          title: Tweetup
          dates: [2010-09-01]
          end: "13:00"
          timezone: Europe/Paris
        """)
    assert f"decks/t/deck.yaml:{line_of(text, 'end: ')}:" in err
    assert "an 'end' time needs a 'start' time; give 'start' too (or leave both out)" in err


def test_event_with_times_needs_a_time_zone(write_deck):
    text, err = event_error(write_deck, """
        - id: e
          title: Tweetup
          dates: [2010-09-01]
          start: "13:00"
          end: "14:00"
        """)
    assert f"decks/t/deck.yaml:{line_of(text, '- id: e')}:" in err
    assert "needs a 'timezone', e.g. Europe/Paris" in err


def test_unknown_time_zone(write_deck):
    text, err = event_error(write_deck, """
        - id: e
          title: Tweetup
          dates: [2010-09-01]
          start: "13:00"
          end: "14:00"
          timezone: Europe/Pariss
        """)
    assert f"decks/t/deck.yaml:{line_of(text, 'timezone:')}:" in err
    assert "unknown time zone 'Europe/Pariss'; use an IANA name such as Europe/Paris" in err


# --- several problems at once ---------------------------------------------------------------


def test_all_problems_of_a_file_are_reported_at_once(write_deck):
    text = deck_text(events=EVENTS_OK, body="""
        slides:
          - id: s1
            kind: bullets
            title: X
          - id: s2
            kind: schedule
            title: When?
            events: [tweetup]
            show: many
          - id: s3
            kind: quote
            text: hi
            author: me
            colour: red
        """)
    err = load_error(write_deck, text)
    assert len(err.problems) == 3
    lines = str(err).splitlines()
    assert lines[0].startswith(f"decks/t/deck.yaml:{line_of(text, 'id: s1')}:5: slide s1: missing required field")
    assert lines[1].startswith(f"decks/t/deck.yaml:{line_of(text, 'show: many')}:")
    assert "slide s2: 'show'" in lines[1]
    assert lines[2].startswith(f"decks/t/deck.yaml:{line_of(text, 'colour')}:")
    assert "slide s3: unknown field 'colour'" in lines[2]


def test_reference_problems_are_reported_together(write_deck):
    text = deck_text(events=EVENTS_OK, body="""
        slides:
          - id: when
            kind: schedule
            title: When?
            events: [nope]
          - id: pic
            kind: image
            file: missing.png
            alt: A picture
          - id: when
            kind: section
            title: Again
        """)
    err = load_error(write_deck, text)
    assert [p.slide for p in err.problems] == ["when", "pic", "when"]
    assert [p.location.line for p in err.problems] == sorted(p.location.line for p in err.problems)


def test_schema_and_reference_problems_are_reported_together(write_deck):
    text = deck_text("""
        slides:
          - id: s1
            kind: bullets
            title: X
          - id: pic
            kind: image
            file: missing.png
            alt: A picture
        """)
    err = str(load_error(write_deck, text))
    assert "slide s1: missing required field 'items'" in err
    assert "slide pic: image 'missing.png' not found" in err
