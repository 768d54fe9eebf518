"""The slide kinds: one module per kind, listed in one place (issue 16).

A kind module holds everything that makes the kind:

* its pydantic model, a subclass of :class:`deckgen.model.SlideBase` with a
  ``kind: Literal["<name>"]`` field, and its translatable fields in ``_i18n``;
* its composition, ``compose(c, slide) -> (background, frames, title)``: the
  slide laid out as positioned frames (:mod:`deckgen.scene`) with the helpers of
  the :class:`deckgen.compose.Composer` *c*;
* ``KIND = Kind("<name>", Model, compose)``, which it exports, with the optional
  hooks the loader calls on the slide's raw data: ``files`` (the pictures it names,
  checked to be inside the deck folder) and ``check`` (the other files it reads,
  such as a chart's CSV file, checked with their own file and line).

:data:`MODULES` lists the modules, in the order the JSON schema and error messages
list the kinds.  From it :mod:`deckgen.model` builds the discriminated union of
slides, :mod:`deckgen.compose` dispatches, the catalogs extract the translatable
fields, and ``deckgen schema`` writes the schema.  The renderers never see a kind:
they draw frames.

Import order: :mod:`deckgen.model` defines the shared parts (``SlideBase``,
``Item``, ``Figure``…), then loads the kinds; the kind modules import those parts
and :mod:`deckgen.compose`, which imports neither the model nor this package at
import time.  Importing this package (or a kind module) first imports the model
first, at the bottom of this file, so every order ends the same.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import Problem
    from ..compose import Composer
    from ..model import SlideBase
    from ..scene import Frame

#: what a kind's compose function returns: the background colour, the frames in drawing order, and the
#: slide's title as plain text (for the PDF outline and the PPTX title)
Composed = tuple[str, list["Frame"], str]

#: the kind modules, one per kind, in the order they are listed (schema, messages)
MODULES: tuple[str, ...] = (
    "title", "bullets", "statement", "numbered", "figures", "quote",
    "section", "schedule", "channels", "people", "image", "table", "columns", "qr", "chart",
)


@dataclass(frozen=True)
class Kind:
    """One slide kind: its name (the ``kind:`` a deck writes), its model and its composition."""

    name: str
    model: type[SlideBase]
    compose: Callable[[Composer, Any], Composed]
    #: the msgctxt of a translatable value at *path* below the slide (field names and list indices),
    #: when the default ``<slide-id>.<field>`` is not precise enough (a table cell names its row and column)
    context: Callable[[Any, tuple[Any, ...]], str] | None = None
    #: the files a slide names, from its raw YAML data (a dict): (name, path below the slide) pairs the
    #: loader checks (inside the deck folder, PNG or JPEG) together with the schema's problems
    files: Callable[[dict[str, Any]], Iterable[tuple[Any, tuple[Any, ...]]]] | None = None
    #: the problems of the other files a slide reads, from its raw YAML data, the deck folder and a function
    #: that locates a path below the slide (a chart's CSV file: its own file and line); checked with the files
    check: Callable[[dict[str, Any], Path, Callable[[tuple[Any, ...]], Any]], list[Problem]] | None = None


#: the ``background`` field of the slides that may have a picture behind them (title, section, statement)
BACKGROUND_DESCRIPTION = ("A picture behind the slide (PNG or JPEG beside deck.yaml), covering it, under the brand's "
                          "scrim colour so the text keeps its contrast. Decorative: screen readers skip it.")


def background_file(slide: dict[str, Any]) -> Iterable[tuple[Any, tuple[Any, ...]]]:
    """The ``background`` picture a slide names (a :attr:`Kind.files` function)."""
    if isinstance(slide.get("background"), str):
        yield slide["background"], ("background",)


_loaded: dict[str, Kind] = {}


def kinds() -> dict[str, Kind]:
    """Every kind by name, in :data:`MODULES` order (the modules are imported on first use)."""
    if not _loaded:
        found = {}
        for name in MODULES:
            kind: Kind = importlib.import_module(f"{__name__}.{name}").KIND
            if kind.name != name:
                raise RuntimeError(f"deckgen.kinds.{name} declares kind '{kind.name}'")
            found[name] = kind
        _loaded.update(found)
    return _loaded


def kind(name: str) -> Kind:
    """The kind called *name* (``KeyError`` when there is none)."""
    return kinds()[name]


from .. import model as _model  # noqa: E402,F401  (see "Import order" above)
