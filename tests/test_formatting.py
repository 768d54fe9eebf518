"""Locale-aware data through Babel/CLDR, in the chapters' languages."""

from __future__ import annotations

import datetime as dt

import pytest

from deckgen.formatting import Formatter

NNBSP, THIN = "\u202f", "\u2009"


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "September 1, 2010"),
    ("fr", "1^er^ septembre 2010"),  # French writes the first of the month as an ordinal
    ("de", "1. September 2010"),
    ("es", "1 de septiembre de 2010"),
    ("nl", "1 september 2010"),
    ("el", "1 Σεπτεμβρίου 2010"),
])
def test_first_of_the_month(locale: str, expected: str) -> None:
    assert Formatter(locale).date(dt.date(2010, 9, 1)) == expected


def test_french_ordinal_only_on_the_first() -> None:
    fr = Formatter("fr")
    assert fr.date(dt.date(2010, 10, 6)) == "6 octobre 2010"
    assert fr.date(dt.date(2010, 9, 1), "full") == "mercredi 1^er^ septembre 2010"
    assert fr.date(dt.date(2010, 9, 11)) == "11 septembre 2010"  # a 1 that is not the day


@pytest.mark.parametrize(("locale", "plain", "listed"), [
    ("fr", "novembre 2010", "Novembre 2010"),
    ("es", "noviembre de 2010", "Noviembre de 2010"),
    ("nl", "november 2010", "November 2010"),
    ("de", "November 2010", "November 2010"),
    ("el", "Νοέμβριος 2010", "Νοέμβριος 2010"),
])
def test_month_and_year_and_list_capitalisation(locale: str, plain: str, listed: str) -> None:
    f = Formatter(locale)
    assert f.month(2010, 11) == plain
    assert f.month(2010, 11, capitalise=True) == listed


def test_august_as_a_french_list_item() -> None:
    assert Formatter("fr").month(2010, 8, capitalise=True) == "Août 2010"


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", f"1:00{THIN}–{THIN}2:00{NNBSP}PM"),
    ("fr", f"13:00{THIN}–{THIN}14:00"),
    ("de", "13:00–14:00 Uhr"),
    ("es", "13:00–14:00"),
    ("nl", "13:00–14:00"),
])
def test_time_ranges_follow_each_locale(locale: str, expected: str) -> None:
    assert Formatter(locale).time_range(dt.time(13), dt.time(14)) == expected


def test_greek_time_range_keeps_the_12_hour_convention_of_cldr() -> None:
    text = Formatter("el").time_range(dt.time(13), dt.time(14))
    assert "1:00" in text and "2:00" in text and "μ.μ." in text


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "12,345.5"), ("fr", f"12{NNBSP}345,5"), ("de", "12.345,5"), ("es", "12.345,5"),
    ("nl", "12.345,5"), ("el", "12.345,5"),
])
def test_numbers(locale: str, expected: str) -> None:
    assert Formatter(locale).number(12345.5) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "Twitter, Facebook, and LinkedIn"),
    ("fr", "Twitter, Facebook et LinkedIn"),
    ("de", "Twitter, Facebook und LinkedIn"),
    ("es", "Twitter, Facebook y LinkedIn"),
    ("nl", "Twitter, Facebook en LinkedIn"),
    ("el", "Twitter, Facebook και LinkedIn"),
])
def test_lists(locale: str, expected: str) -> None:
    assert Formatter(locale).list(["Twitter", "Facebook", "LinkedIn"]) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "United Kingdom"), ("fr", "Royaume-Uni"), ("de", "Vereinigtes Königreich"),
    ("es", "Reino Unido"), ("nl", "Verenigd Koninkrijk"), ("el", "Ηνωμένο Βασίλειο"),
])
def test_country_names_from_iso_codes(locale: str, expected: str) -> None:
    assert Formatter(locale).country("GB") == expected


def test_weekday_names() -> None:
    assert [Formatter(loc).weekday(2) for loc in ("en", "fr", "de", "el")] == [
        "Wednesday", "mercredi", "Mittwoch", "Τετάρτη"]


@pytest.mark.parametrize(("locale", "quotes", "today"), [
    ("en", ("“", "”"), "today"),
    ("fr", ("«", "»"), "aujourd’hui"),
    ("de", ("„", "“"), "heute"),
    ("it", ("«", "»"), "oggi"),
    ("pl", ("„", "”"), "dzisiaj"),
    ("pt_PT", ("«", "»"), "hoje"),  # a region's own marks before its language's
    ("pt_BR", ("“", "”"), "hoje"),
    ("is", ("“", "”"), "í dag"),  # not in the table: CLDR's root marks
])
def test_quotation_marks_and_today_come_from_cldr(locale: str, quotes: tuple[str, str], today: str) -> None:
    assert Formatter(locale).quotes() == quotes
    assert Formatter(locale).today() == today


@pytest.mark.parametrize(("locale", "expected"), [("en", f"6:30{NNBSP}PM"), ("en_GB", "18:30"), ("it", "18:30")])
def test_a_start_time_alone_follows_the_locales_clock(locale: str, expected: str) -> None:
    f = Formatter(locale)
    assert f.start_time(dt.time(18, 30)) == expected
    assert f.when(dt.time(18, 30), None) == expected
    assert f.when(dt.time(18, 30), dt.time(20)) == f.time_range(dt.time(18, 30), dt.time(20))
    assert f.when(None, None) is None
