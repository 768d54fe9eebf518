"""The slide-kind registry (issue 16): one module per kind, listed in one place."""

from __future__ import annotations

import subprocess
import sys
import typing

import pytest

from deckgen import kinds
from deckgen.model import SLIDE_KINDS, Deck, deck_json_schema


def test_every_listed_module_declares_its_own_kind():
    registry = kinds.kinds()
    assert tuple(registry) == kinds.MODULES
    for name, kind in registry.items():
        assert kind.model.__module__ == f"deckgen.kinds.{name}"
        assert typing.get_args(kind.model.model_fields["kind"].annotation) == (name,)
        assert callable(kind.compose)


def test_the_deck_union_and_the_schema_follow_the_registry():
    assert list(SLIDE_KINDS) == list(kinds.MODULES)
    schema = deck_json_schema()
    mapping = schema["properties"]["slides"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(kinds.MODULES)
    deck = Deck.model_validate({"id": "d", "title": "T", "author": "A", "date": "2026-01-01",
                                "slides": [{"kind": k.name, **_minimal(k.name)} for k in kinds.kinds().values()
                                           if _minimal(k.name) is not None]})
    assert {s.kind for s in deck.slides} >= {"title", "bullets", "section"}


def _minimal(name: str) -> dict | None:
    return {"title": {"title": "T"}, "bullets": {"title": "B", "items": ["x"]},
            "section": {"title": "S"}}.get(name)


@pytest.mark.parametrize("first", ["deckgen.model", "deckgen.kinds", "deckgen.kinds.title", "deckgen.compose",
                                   "deckgen.brand", "deckgen.i18n", "deckgen.build"])
def test_any_module_can_be_imported_first(first):
    # the model loads the kinds, which import the model's shared parts and the composer: a cycle
    # that must close whichever module a program imports first
    code = f"import {first}; from deckgen.model import SLIDE_KINDS; assert len(SLIDE_KINDS) >= 11"
    subprocess.run([sys.executable, "-c", code], check=True)
