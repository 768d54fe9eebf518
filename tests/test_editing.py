"""Saving a translation typed in ``deckgen serve``: written as ``deckgen i18n update`` writes,
checked as the build checks, never over a change made on disk since the page loaded."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, run_cli_ok
from deckgen.editing import Edit, Stamp, save
from deckgen.i18n import read_catalog

TITLE = ("identity.title", "#hcsmeu: many identities")
ITEM = ("identity.items.text", "a network of experts")


def po(locale: str = "fr") -> Path:
    return EXAMPLE_DIR / "locales" / locale / "LC_MESSAGES" / "deck.po"


def msgfmt_check(file: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: scripts/setup --test installs gettext")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(file)], check=True)


def current(key: tuple[str, str], locale: str = "fr") -> object:
    message = read_catalog(po(locale), locale).get(key[1], context=key[0])
    assert message is not None
    return message


def without_dates(data: bytes) -> bytes:
    return re.sub(rb'"(PO-Revision-Date|Generated-By): [^"]*\\n"\n', b"", data)


def test_a_save_changes_only_that_translation_and_stays_msgfmt_clean(project: Path) -> None:
    before = po().read_bytes()
    old = current(TITLE).string
    saved = save(po(), "fr", Edit(*TITLE, "#hcsmeu : mille visages", old, False), Stamp.of(po()).digest)
    assert saved.status == "saved" and not saved.merged
    assert current(TITLE).string == "#hcsmeu : mille visages"
    after = po().read_bytes()
    # the same file but for that msgstr and the revision date: order, comments, wrapping kept
    assert without_dates(after) == without_dates(before).replace(
        f'msgstr "{old}"'.encode(), b'msgstr "#hcsmeu : mille visages"')
    msgfmt_check(po())
    assert saved.stamp == Stamp.of(po())


def test_confirming_a_fuzzy_translation_clears_the_flag_and_the_previous_source(project: Path) -> None:
    deck = EXAMPLE_DIR / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace('title: "#hcsmeu: many identities"',
                                                              'title: "#hcsmeu: so many identities"'), "utf-8")
    run_cli_ok("i18n", "update", EXAMPLE_DIR)
    key = ("identity.title", "#hcsmeu: so many identities")
    message = current(key)
    assert message.fuzzy and message.previous_id
    assert "#| msgid" in po().read_text(encoding="utf-8")
    saved = save(po(), "fr", Edit(*key, "#hcsmeu : tant de visages", message.string, False), Stamp.of(po()).digest)
    assert saved.status == "saved"
    message = current(key)
    assert message.string == "#hcsmeu : tant de visages" and not message.fuzzy and not message.previous_id
    assert "#| msgid" not in po().read_text(encoding="utf-8")
    msgfmt_check(po())
    # and the build now uses it
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "fr", "--format", "pptx", "--out", "out")


def test_keeping_the_fuzzy_flag(project: Path) -> None:
    old = current(ITEM).string
    assert save(po(), "fr", Edit(*ITEM, "un réseau de spécialistes", old, True), "x").status == "saved"
    assert current(ITEM).fuzzy
    msgfmt_check(po())


def test_a_change_on_disk_to_the_same_text_is_a_conflict_and_nothing_is_written(project: Path) -> None:
    loaded = Stamp.of(po())
    old = current(TITLE).string
    text = po().read_text(encoding="utf-8")
    po().write_text(text.replace(f'msgstr "{old}"', 'msgstr "#hcsmeu : écrit ailleurs"'), encoding="utf-8")
    on_disk = po().read_bytes()
    saved = save(po(), "fr", Edit(*TITLE, "#hcsmeu : le mien", old, False), loaded.digest)
    assert saved.status == "conflict"
    assert saved.theirs == "#hcsmeu : écrit ailleurs"
    assert po().read_bytes() == on_disk  # nothing lost, nothing written


def test_a_change_on_disk_to_another_text_is_kept_and_the_save_merged(project: Path) -> None:
    loaded = Stamp.of(po())
    old_item, old_title = current(ITEM).string, current(TITLE).string
    text = po().read_text(encoding="utf-8")
    po().write_text(text.replace(f'msgstr "{old_item}"', 'msgstr "un réseau, écrit ailleurs"'), encoding="utf-8")
    saved = save(po(), "fr", Edit(*TITLE, "#hcsmeu : le mien", old_title, False), loaded.digest)
    assert saved.status == "saved" and saved.merged
    assert current(ITEM).string == "un réseau, écrit ailleurs"
    assert current(TITLE).string == "#hcsmeu : le mien"


def test_the_same_text_saved_elsewhere_is_no_conflict(project: Path) -> None:
    old = current(TITLE).string
    text = po().read_text(encoding="utf-8")
    po().write_text(text.replace(f'msgstr "{old}"', 'msgstr "#hcsmeu : pareil"'), encoding="utf-8")
    saved = save(po(), "fr", Edit(*TITLE, "#hcsmeu : pareil", old, False), "x")
    assert saved.status == "unchanged"


@pytest.mark.parametrize("typed, expected", [
    ("#hcsmeu : **gras**", "different inline markup"),
    ("%(number)s visages", "placeholders"),
    ("#hcsmeu\x07", "control character"),
])
def test_what_the_build_would_refuse_is_not_written(project: Path, typed: str, expected: str) -> None:
    before = po().read_bytes()
    saved = save(po(), "fr", Edit(*TITLE, typed, current(TITLE).string, False), "x")
    assert saved.status == "invalid"
    assert expected in " ".join(p.message for p in saved.problems)
    assert all(str(p.location).startswith(str(po())) for p in saved.problems)
    assert po().read_bytes() == before


def test_a_placeholder_of_deckgen_s_own_words_is_checked(project: Path) -> None:
    """A deck catalog may override one of deckgen's own phrases (docs/languages.md): checked like any text."""
    key = ("footer.page", "%(number)s / %(total)s")
    with po().open("a", encoding="utf-8") as fh:
        fh.write('\nmsgctxt "footer.page"\nmsgid "%(number)s / %(total)s"\nmsgstr "%(number)s / %(total)s"\n')
    saved = save(po(), "fr", Edit(*key, "%(number)s sur %(totl)s", current(key).string, False), "x")
    assert saved.status == "invalid" and "%(number)s, %(total)s" in saved.problems[0].message
    assert save(po(), "fr", Edit(*key, "%(number)s sur %(total)s", current(key).string, False), "x").status == "saved"
    msgfmt_check(po())


def test_plural_forms(project: Path) -> None:
    key = ("figures.figures.label", "participant")
    old = current(key).string
    assert save(po(), "fr", Edit(*key, ("participante", "participantes"), tuple(old), False), "x").status == "saved"
    assert current(key).string == ("participante", "participantes")
    assert save(po(), "fr", Edit(*key, "participantes", ("participante", "participantes"), False),
                "x").status == "invalid"
    msgfmt_check(po())


def test_a_broken_catalog_on_disk_is_not_touched(project: Path) -> None:
    po().write_text(po().read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    before = po().read_bytes()
    saved = save(po(), "fr", Edit(*TITLE, "x", "y", False), "x")
    assert saved.status == "invalid" and "broken PO syntax" in saved.problems[0].message
    assert po().read_bytes() == before
