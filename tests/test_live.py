"""The deck behind ``deckgen serve``: composed once, then recomposed slide by slide as files change."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, EXAMPLE_SLIDES
from deckgen.compose import Composer
from deckgen.editing import Stamp
from deckgen.live import LiveDeck

DECK = EXAMPLE_DIR / "deck.yaml"


def po(locale: str) -> Path:
    return EXAMPLE_DIR / "locales" / locale / "LC_MESSAGES" / "deck.po"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the slides the Composer composes, in order."""
    calls: list[str] = []
    original = Composer.slide

    def slide(self, s, number, total):
        calls.append(s.sid)
        return original(self, s, number, total)

    monkeypatch.setattr(Composer, "slide", slide)
    return calls


def test_the_first_view_is_the_whole_deck(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    state = live.snapshot()
    assert state["locale"] == "en" and not state["stale"] and state["total"] == len(EXAMPLE_SLIDES)
    assert [state["slides"][str(i)]["id"] for i in range(state["total"])] == [s[0] for s in EXAMPLE_SLIDES]
    assert '<section class="slide kind-title" id="cover"' in state["slides"]["0"]["html"]
    assert "@font-face" in state["css"] and "/asset/project/assets/fonts/" in state["css"]
    assert live.locales() == ["en", "de", "el", "es", "fr", "nl"]


def test_a_saved_title_recomposes_and_sends_only_its_slide(project: Path, composed: list[str]) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    live.view("en")
    live.view("fr")
    composed.clear()
    edit(DECK, "title: Our mission", "title: Our mission, today")
    updates = dict(live.refresh([DECK.resolve()]))
    assert composed == ["mission", "mission"]  # once per view shown
    en = updates[("en", None)]
    assert list(en["slides"]) == ["3"]
    assert "Our mission, today" in en["slides"]["3"]["html"]
    assert updates[("fr", None)]["slides"]["3"]["marks"][0]["kind"] == "missing"  # new text, no translation


def test_a_new_slide_renumbers_every_slide(project: Path, composed: list[str]) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    live.view("en")
    composed.clear()
    edit(DECK, "slides:\n", "slides:\n  - kind: section\n    title: Welcome\n")
    (update,) = [p for _, p in live.refresh([DECK.resolve()])]
    assert update["total"] == len(EXAMPLE_SLIDES) + 1
    assert len(update["slides"]) == len(EXAMPLE_SLIDES) + 1  # every page number changed


def test_a_yaml_error_keeps_the_last_slides_marked_stale(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    before = live.snapshot()
    edit(DECK, "title: Our mission", "title: [Our mission")
    (update,) = [p for _, p in live.refresh([DECK.resolve()])]
    assert update["stale"] and update["slides"] == {}
    assert update["problems"][0].startswith("decks/hcsmeu-anniversary/deck.yaml:")
    line = next(i for i, text in enumerate(DECK.read_text(encoding="utf-8").splitlines(), 1) if "[Our mission" in text)
    assert any(f"deck.yaml:{line + 1}:" in p or f"deck.yaml:{line}:" in p for p in update["problems"])
    again = live.snapshot()
    assert again["stale"] and again["slides"]["3"]["html"] == before["slides"]["3"]["html"]
    edit(DECK, "title: [Our mission", "title: Our mission")
    (update,) = [p for _, p in live.refresh([DECK.resolve()])]
    assert not update["stale"] and update["problems"] == []


def test_a_catalog_change_redraws_only_its_locale(project: Path, composed: list[str]) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    live.view("en")
    live.view("de")
    composed.clear()
    edit(po("de"), 'msgstr "Unsere Mission"', 'msgstr "Unser Auftrag"')
    updates = dict(live.refresh([po("de").resolve()]))
    assert list(updates) == [("de", None)]
    assert list(updates[("de", None)]["slides"]) == ["3"] and composed == ["mission"]
    assert "Unser Auftrag" in updates[("de", None)]["slides"]["3"]["html"]


def test_a_broken_catalog_marks_its_locale_stale(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    live.view("de")
    edit(po("de"), 'msgstr "Unsere Mission"', 'msgstr "Unsere Mission')
    (update,) = [p for _, p in live.refresh([po("de").resolve()])]
    assert update["stale"] and "deck.po:" in update["problems"][0] and "broken PO syntax" in update["problems"][0]


def test_a_brand_change_redraws_the_style_sheet(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    live.view("en")
    brand = project / "assets" / "brands" / "hcsmeu" / "brand.yaml"
    edit(brand, 'accent: "#F4A259"', 'accent: "#FF0000"')
    (update,) = [p for _, p in live.refresh([brand])]
    assert "#FF0000" in update["css"] and "#FF0000" in update["slides"]["0"]["html"]


def test_an_image_change_redraws_its_slide(project: Path) -> None:
    from PIL import Image

    live = LiveDeck(EXAMPLE_DIR)
    live.view("en")
    image = EXAMPLE_DIR / "ecosystem.png"
    Image.new("RGB", (400, 400), "red").save(image)
    (update,) = [p for _, p in live.refresh([image.resolve()])]
    assert list(update["slides"]) == ["13"]  # the image slide: new size, new address


def test_warnings_are_drawn_on_their_frame(project: Path) -> None:
    edit(DECK, "title: Our mission", "title: " + "A very long title that cannot fit " * 4)
    live = LiveDeck(EXAMPLE_DIR)
    slide = live.snapshot()["slides"]["3"]
    (mark,) = [m for m in slide["marks"] if m["kind"] == "overflow"]
    assert mark["frame"] == "title" and mark["box"] == [56.0, 50.0, 738.0, 60.0]  # below the kicker
    assert "% too long for its box" in mark["text"]
    assert slide["fits"]["title"]["overflow"] > 0


def test_a_missing_translation_is_marked_on_its_frame(project: Path) -> None:
    edit(po("fr"), 'msgid "a network of experts"\nmsgstr "un réseau d\'experts"', 'msgid "a network of experts"\nmsgstr ""')
    live = LiveDeck(EXAMPLE_DIR)
    slide = live.snapshot("fr")["slides"]["1"]
    (mark,) = slide["marks"]
    assert mark["kind"] == "missing" and mark["frame"] == "body"
    assert "no translation for 'a network of experts'" in mark["text"]


def test_a_missing_glyph_is_marked(project: Path) -> None:
    edit(po("fr"), 'msgstr "Notre mission"', 'msgstr "Notre mission ☃"')
    live = LiveDeck(EXAMPLE_DIR)
    (mark,) = live.snapshot("fr")["slides"]["3"]["marks"]
    assert mark["kind"] == "glyph" and mark["frame"] == "title" and "U+2603" in mark["text"]


def test_a_preview_changes_nothing_and_sends_the_slide(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    before = live.snapshot("fr")
    preview = live.preview("fr", None, "mission.title", "Our mission", "Notre **grande** mission")
    assert list(preview["slides"]) == ["3"]
    assert "Notre <span class=\"b\">grande</span> mission" in preview["slides"]["3"]["html"]
    assert "different inline markup" in preview["problems"][0]
    assert live.snapshot("fr") == before


def test_a_preview_of_deckgen_s_own_words_changes_every_footer(project: Path) -> None:
    """A deck catalog overriding one of deckgen's own phrases (docs/languages.md) is previewed like any text."""
    with po("fr").open("a", encoding="utf-8") as fh:
        fh.write('\nmsgctxt "footer.page"\nmsgid "%(number)s / %(total)s"\nmsgstr "%(number)s / %(total)s"\n')
    live = LiveDeck(EXAMPLE_DIR)
    preview = live.preview("fr", None, "footer.page", "%(number)s / %(total)s", "page %(number)s sur %(total)s")
    assert len(preview["slides"]) == len(EXAMPLE_SLIDES) - 1  # the title slide has no footer
    assert "page 2 sur 15" in preview["slides"]["1"]["html"]


def test_saving_redraws_at_once_and_the_watcher_s_echo_is_ignored(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    view = live.view("fr")
    assert view.stamp is not None
    saved, updates = live.save("fr", None, "mission.title", "Our mission", "Notre but", "Notre mission", False,
                               view.stamp.digest)
    assert saved.status == "saved"
    (payload,) = [p for k, p in updates if k == ("fr", None)]
    assert "Notre but" in payload["slides"]["3"]["html"] and payload["catalog"]["version"] == Stamp.of(po("fr")).digest
    assert live.refresh([po("fr").resolve()]) == []


@pytest.mark.parametrize("locale", ["en", "it", "../../../tmp"])
def test_only_the_deck_s_own_translations_are_written(project: Path, locale: str) -> None:
    from deckgen.errors import DeckgenError

    live = LiveDeck(EXAMPLE_DIR)
    with pytest.raises(DeckgenError, match="is not a translation of this deck"):
        live.save(locale, None, "mission.title", "Our mission", "x", "y", False, "")


def test_a_catalog_folder_leading_outside_the_deck_is_not_written(project: Path, tmp_path: Path) -> None:
    from deckgen.errors import DeckgenError

    outside = tmp_path / "elsewhere"
    (EXAMPLE_DIR / "locales" / "fr").rename(outside)
    (EXAMPLE_DIR / "locales" / "fr").symlink_to(outside)
    live = LiveDeck(EXAMPLE_DIR)
    before = (outside / "LC_MESSAGES" / "deck.po").read_bytes()
    with pytest.raises(DeckgenError, match="leads outside the deck folder"):
        live.save("fr", None, "mission.title", "Our mission", "x", "Notre mission", False, "")
    assert (outside / "LC_MESSAGES" / "deck.po").read_bytes() == before


def test_what_the_watcher_ignores(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    root = EXAMPLE_DIR.resolve()
    assert live.classify(root / "locales" / "deck.pot") is None
    assert live.classify(root / ".deck.yaml.x1.tmp") is None
    assert live.classify(project / "dist" / "x.pdf") is None
    assert live.classify(root / "deck.yaml") == "deck"
    assert live.classify(root / "locales" / "fr" / "LC_MESSAGES" / "deck.po") == ("catalog", "fr")
    assert live.classify(project / "layouts" / "slide.html.j2") == "look"
    assert live.refresh([root / "locales" / "deck.pot"]) == []


def test_texts_the_catalog_lacks_are_counted_and_shown(project: Path) -> None:
    edit(DECK, "title: Our mission", "title: Our new mission")
    live = LiveDeck(EXAMPLE_DIR)
    state = live.snapshot("fr")
    assert state["catalog"]["outdated"] == 1
    (message,) = [m for m in state["messages"] if m["context"] == "mission.title"]
    assert message["id"] == "Our mission" and message["current"] == "Our new mission"


def test_the_server_never_imports_weasyprint(project: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from deckgen.serve import create_app, Settings; "
            "from deckgen.live import LiveDeck; live = LiveDeck(Path('decks/hcsmeu-anniversary')); "
            "[live.snapshot(loc) for loc in live.locales()]; create_app(live, Settings()); "
            "print('weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_layout_change_redraws_every_slide_and_a_layout_error_is_located(project: Path) -> None:
    live = LiveDeck(EXAMPLE_DIR)
    live.view("en")
    layout = project / "layouts" / "slides" / "quote.html.j2"
    layout.parent.mkdir(parents=True, exist_ok=True)
    layout.write_text('{% extends "slide.html.j2" %}\n', encoding="utf-8")
    (update,) = [p for _, p in live.refresh([layout])]
    assert not update["stale"] and update["slides"] == {}  # drawn again, and alike: nothing to send
    layout.write_text('<section class="slide" id="{{ slide.id }}">chapter stamp</section>\n', encoding="utf-8")
    (update,) = [p for _, p in live.refresh([layout])]
    assert list(update["slides"]) == ["6"] and "chapter stamp" in update["slides"]["6"]["html"]
    layout.write_text("{% if %}\n", encoding="utf-8")
    (update,) = [p for _, p in live.refresh([layout])]
    assert update["stale"] and update["problems"][0].startswith("layouts/slides/quote.html.j2:1: layout error:")
