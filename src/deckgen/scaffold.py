"""``deckgen new``: a starter deck a newcomer can build at once and then edit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .brand import known_brands
from .errors import DeckgenError, Location, display_path
from .paths import confine_deck
from .load import DECK_FILE, slugify

SCHEMA_FILE = "deck.schema.json"

STARTER = """\
# yaml-language-server: $schema={schema}
# A new deckgen deck. Every slide kind and field is described in docs/deck-format.md.
# Build it with: deckgen build {folder}

id: {id}
title: {title}
language: en
brand: {brand}
author: Your name
date: {today}
keywords: [community]

events:
  - id: meetup
    title: Monthly meetup
    recurrence:
      weekday: wednesday
      ordinal: 1
      first: {first_wednesday}
      count: 12
    start: "13:00"
    end: "14:00"
    timezone: Europe/Paris
    online: "#yourhashtag on Twitter"

slides:
  - id: cover
    kind: title
    title: {title}
    subtitle: What this deck is about
    date: {today}
    start: "17:30"
    end: "19:00"
    hashtag: "#yourhashtag"
    notes: What you want to say on the first slide.

  - id: why
    kind: bullets
    title: Why we meet
    items:
      - share **what works** in our field
      - text: learn from each other
        items: [monthly tweetups, quarterly meetings]
      - "follow us: @yourhandle"

  - id: quote
    kind: quote
    text: A sentence someone said that sums it all up.
    author: A. Member
    role: community member

  - id: when
    kind: schedule
    title: When?
    events: [meetup]
    show: 4

  - id: thanks
    kind: people
    title: Thanks
    people:
      - name: First Person
        handle: "@first"
        role: organiser
"""


def _first_wednesday(today: dt.date) -> dt.date:
    year, month = (today.year, today.month + 1) if today.month < 12 else (today.year + 1, 1)
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(2 - d.weekday()) % 7)


def scaffold(deck_dir: Path, title: str | None = None, brand: str | None = None,
             today: dt.date | None = None) -> Path:
    """Create ``deck_dir/deck.yaml``; refuse to overwrite an existing deck."""
    from .build import project_root

    file = deck_dir / DECK_FILE
    confine_deck(deck_dir)  # decks/ a link to a folder outside the project: write nothing there (issue 12)
    if file.exists():
        raise DeckgenError(f"{display_path(file)} already exists; choose a new folder", Location(display_path(file)))
    deck_id = slugify(deck_dir.resolve().name) or "my-deck"
    project = project_root(deck_dir.resolve().parent)
    brands = known_brands(project)
    if brand is None:
        if not brands:
            raise DeckgenError(f"no brands found in {display_path(project / 'assets' / 'brands')}; "
                               "run 'deckgen new' inside a deckgen project or pass --brand")
        brand = "hcsmeu" if "hcsmeu" in brands else brands[0]
    elif brand not in brands:
        raise DeckgenError(f"unknown brand '{brand}'; brands of this project: {', '.join(brands) or 'none'}")
    today = today or dt.date.today()
    title = title or deck_id.replace("-", " ").capitalize()
    deck_dir.mkdir(parents=True, exist_ok=True)
    file.write_text(STARTER.format(
        id=deck_id, title=json.dumps(title, ensure_ascii=False), brand=brand, today=today.isoformat(),
        first_wednesday=_first_wednesday(today).isoformat(), folder=display_path(deck_dir),
        schema=_schema_link(deck_dir, project)), encoding="utf-8")
    return file


def _schema_link(deck_dir: Path, project: Path) -> str:
    """The path from *deck_dir* to the project's ``decks/deck.schema.json``; without one, a schema
    written beside the new deck, so that the editor's link always resolves."""
    import os

    from .model import deck_json_schema

    shared = project / "decks" / SCHEMA_FILE
    if shared.is_file():
        return Path(os.path.relpath(shared, deck_dir.resolve())).as_posix()
    (deck_dir / SCHEMA_FILE).write_text(json.dumps(deck_json_schema(), indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return SCHEMA_FILE
