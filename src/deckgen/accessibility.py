"""What deckgen checks for people who use screen readers, beyond what the renderers write by themselves.

The renderers make both formats accessible on their own (docs/accessibility.md): a tagged
PDF (:mod:`deckgen.pdf_tags`), PPTX shapes in reading order with decoration marked and a
title on every slide (:mod:`deckgen.render_pptx`). What they cannot invent is the text an
image needs: an image slide without ``alt`` is a warning (an error with ``--strict``).
Contrast is :mod:`deckgen.contrast`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Problem
from .scene import DeckScene, ImageFrame

if TYPE_CHECKING:  # pragma: no cover
    from .load import LoadedDeck


def alt_text_warnings(scene: DeckScene, loaded: LoadedDeck) -> list[Problem]:
    """One warning per picture of *scene* that is not decorative and has no alternative text."""
    out = []
    for index, slide in enumerate(scene.slides):
        for frame in slide.frames:
            if isinstance(frame, ImageFrame) and not slide.decorative(frame) and not frame.alt.strip():
                out.append(Problem(
                    f"the image of slide '{slide.id}' has no alternative text: screen readers would say "
                    "nothing of it; add 'alt:' with a sentence that says what it shows",
                    loaded.location(("slides", index)), slide=f"{slide.id} [{scene.locale}]"))
    return out
