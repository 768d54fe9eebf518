"""Write a generated deck of N slides (for the scaling benchmark).

    python bench/make_deck.py 1500 /tmp/big/decks/big

The deck cycles through the text slide kinds of the example deck (bullets, statement,
numbered, quote, figures, section, schedule, channels, people), with varied text, so its
cost per slide is like a real deck's. It uses the brand of the project it is built from.
"""

from __future__ import annotations

import sys
from pathlib import Path

KINDS = [
    """  - kind: bullets
    title: "Topic {n}: what we learned"
    items:
      - "a first point about slide {n}, with **emphasis** and a #hashtag"
      - text: a second point that runs a little longer to wrap onto a second line on slide {n}
        items: [a detail, another detail]
      - a third point with a link to https://example.org/{n}
""",
    """  - kind: statement
    title: "Belief {n}"
    paragraphs:
      - We believe that *statement {n}* matters, and that **communities** make it real.
      - A second paragraph for slide {n}, long enough to wrap over two or three lines of text in the box.
""",
    """  - kind: numbered
    title: "Steps {n}"
    intro: "Three steps:"
    items: [gather the community, exercise **influence**, share knowledge openly]
""",
    """  - kind: quote
    title: "Voices {n}"
    text: "Quote number {n}: social media can change healthcare for the better."
    author: A. Member
    role: participant
""",
    """  - kind: figures
    title: "Figures {n}"
    figures:
      - {{value: {n}, label: {{one: tweetup, other: tweetups}}}}
      - {{value: 300, plus: true, label: {{one: participant, other: participants}}}}
      - {{label: Chapters, countries: [GB, ES, GR, CH, DE, NL]}}
""",
    """  - kind: section
    title: "Part {n}"
    subtitle: A new part of the deck
""",
    """  - kind: schedule
    title: "When {n}?"
    events: [meetup]
""",
    """  - kind: channels
    title: "Where {n}?"
    channels:
      - {{network: On Twitter, handles: ["#hcsmeu", "@hcsmeu"]}}
      - {{network: By e-mail, email: hello@example.org}}
""",
    """  - kind: people
    title: "Thanks {n}"
    people:
      - {{name: First Person, handle: "@first", role: organiser}}
      - {{name: Second Person, handle: "@second", role: speaker}}
""",
]

HEAD = """id: {id}
title: A generated deck of {count} slides
language: en
brand: hcsmeu
author: deckgen benchmark
date: 2010-08-06
events:
  - id: meetup
    title: Monthly meetup
    recurrence: {{weekday: wednesday, ordinal: 1, first: 2010-09-01, count: 12}}
    start: "13:00"
    end: "14:00"
    timezone: Europe/Paris
slides:
  - kind: title
    title: Generated deck
    subtitle: "{count} slides"
"""


def write_deck(count: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    parts = [HEAD.format(id=folder.name, count=count)]
    parts += [KINDS[n % len(KINDS)].format(n=n) for n in range(1, count)]
    file = folder / "deck.yaml"
    file.write_text("".join(parts), encoding="utf-8")
    return file


if __name__ == "__main__":
    print(write_deck(int(sys.argv[1]), Path(sys.argv[2])))
