"""Read deck folders: YAML 1.2 → validated :class:`~deckgen.model.Deck`, with every problem located.

The loader reads with ruamel.yaml (YAML 1.2: ``13:00`` stays a string, ``no``
stays ``"no"``), keeps the position of every node, validates with pydantic and
reports *all* problems of a deck as ``file:line:col: slide <id>: message``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import DeckError, DeckgenError, Location, Problem, display_path
from .hints import did_you_mean, id_hint, impossible_date, number_hint, yaml_syntax_hint
from .interrupts import check
from .model import SLIDE_KINDS, Deck
from .paths import DECK_FILE, confine, confine_deck, inside, not_relative

#: the most YAML nodes a deck may expand to (aliases included): far above any real deck,
#: far below what a "billion laughs" file would make us walk
MAX_NODES = 200_000
MAX_DECK_BYTES = 5 * 1024 * 1024
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}

Path_ = tuple[Union[str, int], ...]


@dataclass(frozen=True)
class LoadedDeck:
    """A validated deck with where it came from."""

    deck: Deck
    directory: Path
    file: Path
    positions: dict[Path_, tuple[int, int]] = field(repr=False, compare=False)

    def location(self, path: Path_) -> Location:
        """The file location of the value at *path* (or its nearest located parent)."""
        p = tuple(path)
        while p and p not in self.positions:
            p = p[:-1]
        line, col = self.positions.get(p, (1, 1))
        return Location(display_path(self.file), line, col)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


class _TooBig(Exception):
    pass


class _Control(Exception):
    def __init__(self, path: Path_) -> None:
        self.path = path


#: characters XML (and so PPTX) cannot hold; tab and newline are fine
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


_HASHTAG_COMMENT = re.compile(r"^#[^\W\d_]\w*")


def _slide_at(root: CommentedMap, line: int) -> str | None:
    """The id of the slide whose YAML contains 1-based *line* (before ids are assigned)."""
    slides = root.get("slides")
    if not isinstance(slides, CommentedSeq):
        return None
    found = None
    for i, item in enumerate(slides):
        if slides.lc.item(i)[0] + 1 > line:
            break
        if isinstance(item, CommentedMap):
            sid = item.get("id")
            title = item.get("title")
            found = str(sid) if isinstance(sid, str) else (slugify(title) if isinstance(title, str) else f"#{i + 1}")
    return found


def _hashtag_comments(node: Any, found: list[tuple[int, int, str]], seen: set[int] | None = None) -> None:
    """Find ``key: text #tag`` lines, where YAML silently drops ``#tag`` as a comment."""
    seen = set() if seen is None else seen
    if isinstance(node, (CommentedMap, CommentedSeq)):
        if id(node) in seen:  # an alias: already walked (and a "billion laughs" stays cheap)
            return
        seen.add(id(node))
        for tokens in node.ca.items.values():
            for tok in tokens or []:
                if tok is not None and not isinstance(tok, list) and _HASHTAG_COMMENT.match(tok.value):
                    line = tok.start_mark.line
                    found.append((line + 1, tok.start_mark.column + 1, tok.value.split()[0]))
        for child in (node.values() if isinstance(node, CommentedMap) else node):
            _hashtag_comments(child, found, seen)


def _plain(node: Any, path: Path_, positions: dict[Path_, tuple[int, int]], budget: list[int]) -> Any:
    """Convert ruamel's round-trip nodes to plain Python, recording each value's position."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            k = str(key)
            child = node[key]
            if isinstance(child, (CommentedMap, CommentedSeq)) and child.lc.line is not None:
                line, col = child.lc.line, child.lc.col
                # a block mapping/sequence starts on the line after its key: point at the key
                kl, kc = node.lc.key(key)
                positions[path + (k,)] = (kl + 1, kc + 1)
                positions.setdefault(path + (k, "__start__"), (line + 1, col + 1))
            else:
                vl, vc = node.lc.value(key)
                positions[path + (k,)] = (vl + 1, vc + 1)
            out[k] = _plain(child, path + (k,), positions, budget)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, child in enumerate(node):
            item = node.lc.item(i)  # None for the items of some tagged sequences
            if item is not None:
                positions[path + (i,)] = (item[0] + 1, item[1] + 1)
            out_list.append(_plain(child, path + (i,), positions, budget))
        return out_list
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        if _CONTROL.search(node):
            raise _Control(path)
        return str(node)
    return node  # dates and datetimes


def slugify(text: str, limit: int = 40) -> str:
    """A slide id from a title: ``"#hcsmeu – Où ?"`` → ``"hcsmeu-ou"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def _assign_ids(data: dict[str, Any], positions: dict[Path_, tuple[int, int]],
                where: str) -> list[Problem]:
    problems: list[Problem] = []
    slides = data.get("slides")
    if not isinstance(slides, list):
        return problems
    explicit: dict[str, int] = {}
    for i, slide in enumerate(slides):
        if isinstance(slide, dict) and isinstance(slide.get("id"), str):
            sid = slide["id"]
            if sid in explicit:
                line = positions.get(("slides", explicit[sid], "id"), (0, 0))[0]
                pos = positions.get(("slides", i, "id"), (None, None))
                problems.append(Problem(
                    f"duplicate slide id '{sid}' (already used on line {line}); give each slide its own id",
                    Location(where, *pos), sid))
            else:
                explicit[sid] = i
    used = set(explicit)
    for i, slide in enumerate(slides):
        if not isinstance(slide, dict) or "id" in slide:
            continue
        title = slide.get("title") if isinstance(slide.get("title"), str) else None
        base = slugify(title) if title else ""
        if not base:
            base = f"{slide.get('kind', 'slide')}-{i + 1}" if isinstance(slide.get("kind"), str) else f"slide-{i + 1}"
            base = slugify(base) or f"slide-{i + 1}"
        sid, n = base, 2
        while sid in used:
            sid, n = f"{base}-{n}", n + 1
        used.add(sid)
        slide["id"] = sid
    return problems


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional, Union, Annotated and list unwrapped)."""
    origin = get_origin(tp)
    if origin is None:
        return [tp]
    args = get_args(tp)
    if origin is list:
        return _unwrap(args[0])
    out = []
    for a in args:
        if a is type(None) or isinstance(a, (str, int)) or not (isinstance(a, type) or get_origin(a)):
            continue
        out.extend(_unwrap(a))
    return out


def _models_at(loc: tuple[Any, ...], data: Any,
               root: type[BaseModel] = Deck) -> tuple[list[type[BaseModel]], list[Any]]:
    """Walk pydantic's error *loc*; return the models at its end and the data path (tags removed)."""
    models: list[type[BaseModel]] = [root]
    path: list[Any] = []
    node = data
    tagged = False
    for part in loc:
        if (not tagged and isinstance(part, str) and part in SLIDE_KINDS and path[:1] == ["slides"]
                and len(path) == 2):
            models = [SLIDE_KINDS[part]]  # discriminator tag inserted by pydantic after the index
            tagged = True
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and not any(part in m.model_fields for m in models):
            continue  # a union member name, not a data key
        path.append(part)
        if isinstance(part, int):
            continue
        next_models: list[type[BaseModel]] = []
        for m in models:
            f = m.model_fields.get(part)
            if f is None:
                continue
            next_models.extend(t for t in _unwrap(f.annotation)
                               if isinstance(t, type) and issubclass(t, BaseModel))
        models = next_models
    return models, path


def _describe(err: dict[str, Any], models: list[type[BaseModel]], root: type[BaseModel]) -> str:
    kind = err["type"]
    loc = list(err["loc"])
    if root is Deck and len(loc) > 2 and loc[0] == "slides" and loc[2] in SLIDE_KINDS:
        del loc[2]  # pydantic's discriminator tag
    names = [p for p in loc if isinstance(p, str)]
    name = names[-1] if names else "deck"
    if loc and isinstance(loc[-1], int) and names:
        name = f"{names[-1]}[{loc[-1] + 1}]"
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "extra_forbidden":
        allowed = sorted({f for m in models[:-1] or models for f in m.model_fields})
        if len(err["loc"]) >= 1:
            parent_models, _ = _models_at(tuple(err["loc"][:-1]), None, root)
            name = str(err["loc"][-1])
            allowed = sorted({f for m in parent_models for f in m.model_fields}) or allowed
        import difflib

        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{name}'{hint} (allowed: {', '.join(allowed)})"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = ", ".join(SLIDE_KINDS)
        got = err.get("ctx", {}).get("tag")
        if kind == "union_tag_not_found":
            return f"missing 'kind'; expected one of: {kinds}"
        return f"unknown slide kind '{got}'{did_you_mean(str(got), tuple(SLIDE_KINDS))} (kinds: {kinds})"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "string_pattern_mismatch" and name == "id":
        return id_hint(err["input"], slugify)
    if kind in ("float_parsing", "int_parsing") and number_hint(err.get("input")):
        return str(number_hint(err.get("input")))
    if kind == "string_pattern_mismatch":
        desc = ""
        for m in _models_at(tuple(err["loc"][:-1]), None, root)[0]:
            f = m.model_fields.get(str(name))
            if f is not None and f.description:
                desc = f" ({f.description})"
        return f"'{err['input']}' is not a valid {name}{desc}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"{msg.rstrip('.')}: write the date as YYYY-MM-DD"
    if kind in ("time_parsing", "time_type"):
        return f"{msg.rstrip('.')}: write the time as HH:MM, e.g. 13:00"
    inp = err.get("input")
    shown = f" (got {inp!r})" if not isinstance(inp, (dict, list)) and inp is not None else ""
    if shown and repr(inp) in msg:  # the message already quotes it
        shown = ""
    return f"'{name}': {msg[0].lower() + msg[1:]}{shown}" if msg else f"'{name}' is invalid"


def _slide_of(path: list[Any], data: dict[str, Any]) -> str | None:
    if len(path) >= 2 and path[0] == "slides" and isinstance(path[1], int):
        slides = data.get("slides")
        if isinstance(slides, list) and path[1] < len(slides) and isinstance(slides[path[1]], dict):
            sid = slides[path[1]].get("id")
            return sid if isinstance(sid, str) else f"#{path[1] + 1}"
    return None


def validation_problems(exc: ValidationError, data: dict[str, Any],
                        positions: Mapping[Path_, tuple[int, int] | Location], where: str,
                        root: type[BaseModel] = Deck) -> list[Problem]:
    """Turn pydantic's errors into located, readable problems.

    *positions* maps data paths to (line, col) in *where*, or directly to a
    :class:`Location` when values come from several files (merged brands).
    """
    problems = []
    for err in exc.errors(include_url=False):
        models, path = _models_at(tuple(err["loc"]), data, root)
        p = tuple(path) + (("kind",) if err["type"] == "union_tag_invalid" else ())  # the line of the kind
        while p and p not in positions:
            p = p[:-1]
        pos = positions.get(p, (1, 1))
        loc = pos if isinstance(pos, Location) else Location(where, *pos)
        problems.append(Problem(_describe(err, models, root), loc,
                                _slide_of(path, data) if root is Deck else None))
    return problems


def deck_file(name: str, directory: Path) -> tuple[Path | None, str | None]:
    """Resolve an image named in a deck; return (path, None) or (None, what is wrong)."""
    if not_relative(name):
        return None, f"'{name}' must be a file beside deck.yaml (a relative path), not an address or absolute path"
    path = directory / name
    try:
        if not inside(path, directory):
            return None, f"'{name}' points outside the deck folder; copy the file into the deck folder"
        if not path.is_file():
            return None, f"image '{name}' not found in {display_path(directory)}/; add the file or fix the name"
    except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop
        return None, f"'{name[:60]}' cannot be used as a file name; rename the image"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None, f"'{name}' is not a PNG or JPEG image; convert it to .png or .jpg"
    return path, _image_problem(path, name)


MAX_IMAGE_PIXELS = 40_000_000  # 40 megapixels: far above any slide's need


def _image_problem(path: Path, name: str) -> str | None:
    """A picture that cannot be drawn: unreadable, truncated or absurdly large."""
    from PIL import Image, ImageFile

    # WeasyPrint switches this on for the whole process when imported; a check must not
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as im:
            if im.format not in ("PNG", "JPEG"):
                return f"'{name}' is a {im.format} image, not PNG or JPEG; convert it"
            if im.width * im.height > MAX_IMAGE_PIXELS:
                return (f"'{name}' is {im.width} × {im.height} pixels, more than {MAX_IMAGE_PIXELS // 10**6} "
                        "megapixels; resize it (2000 pixels wide is plenty for a slide)")
            im.load()  # decodes everything: a truncated file fails here
    except Exception as exc:  # Pillow raises many kinds for broken files
        return f"'{name}' is not a readable image ({type(exc).__name__}); export it again as PNG or JPEG"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
    return None


def _kind(name: Any) -> Any:
    """The :class:`deckgen.kinds.Kind` called *name*, or None."""
    from .kinds import kinds

    return kinds().get(name) if isinstance(name, str) else None


def _reference_problems(data: dict[str, Any], positions: dict[Path_, tuple[int, int]], directory: Path,
                        where: str) -> list[Problem]:
    """Event ids and image files, checked on the raw data so they are reported together with
    schema problems (a slide that fails validation still has its image checked)."""
    def at(path: tuple[Any, ...]) -> Location:
        p = path
        while p and p not in positions:
            p = p[:-1]
        return Location(where, *positions.get(p, (1, 1)))

    problems: list[Problem] = []
    events = data.get("events") if isinstance(data.get("events"), list) else []
    event_ids = [e.get("id") for e in events if isinstance(e, dict) and isinstance(e.get("id"), str)]
    seen: set[str] = set()
    for i, ev in enumerate(events):
        if isinstance(ev, dict) and isinstance(ev.get("id"), str):
            if ev["id"] in seen:
                problems.append(Problem(f"duplicate event id '{ev['id']}'", at(("events", i, "id"))))
            seen.add(ev["id"])
    slides = data.get("slides") if isinstance(data.get("slides"), list) else []
    for i, slide in enumerate(slides):
        if not isinstance(slide, dict):
            continue
        sid = slide.get("id") if isinstance(slide.get("id"), str) else f"#{i + 1}"
        if slide.get("kind") == "schedule" and isinstance(slide.get("events"), list):
            for j, eid in enumerate(slide["events"]):
                if isinstance(eid, str) and eid not in event_ids:
                    known = ", ".join(event_ids) or "none defined"
                    problems.append(Problem(
                        f"unknown event '{eid}'; events of this deck: {known} (define it under 'events:')",
                        at(("slides", i, "events", j)), sid))
        kind = _kind(slide.get("kind"))
        if kind is None:
            continue
        files = [(name, ("slides", i) + below) for name, below in (kind.files or _no_files)(slide)
                 if isinstance(name, str)]
        for name, path in files:
            _, problem = deck_file(name, directory)
            if problem:
                problems.append(Problem(problem, at(path), sid))
        if kind.check is not None:
            below = functools.partial(_below, at, ("slides", i))
            problems += [replace(p, slide=p.slide or sid) for p in kind.check(slide, directory, below)]
    return problems


def _no_files(slide: dict[str, Any]) -> list[tuple[Any, tuple[Any, ...]]]:
    return []


def _below(at: Any, slide_path: tuple[Any, ...], path: tuple[Any, ...]) -> Location:
    """The location of *path* below the slide at *slide_path*."""
    return at(slide_path + path)


def _yaml_problem(exc: YAMLError, where: str, text: str = "") -> Problem:
    hint = yaml_syntax_hint(exc, where, text) if isinstance(exc, MarkedYAMLError) else None
    if hint is not None:  # a mistake we can name, on the line where it was made
        return hint
    if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = exc.problem or "invalid YAML"
        if "found character '\\t'" in what or "\t" in what:
            what += " (YAML indents with spaces; replace the tab)"
        if "duplicate key" in (exc.problem or "") or type(exc).__name__ == "DuplicateKeyError":
            what = f"{what.strip()} (each key may appear once per mapping)"
        context = f"{exc.context}: " if exc.context else ""
        lines = text.splitlines()
        nearby = lines[max(0, mark.line - 3): mark.line + 1]
        if any(" #" in line or "[#" in line for line in nearby):
            what += " (a '#' after a space starts a YAML comment: put values with hashtags in quotes)"
        return Problem(f"YAML syntax error: {context}{what}", Location(where, mark.line + 1, mark.column + 1))
    position = getattr(exc, "position", None)
    if isinstance(position, int) and text:
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        return Problem(f"the file holds a character YAML does not allow (U+{ord(text[position]):04X}); "
                       "remove it", Location(where, line, col))
    return Problem(f"YAML syntax error: {exc}", Location(where))


def read_yaml(file: Path, error: type[DeckgenError] = DeckError,
              max_bytes: int = MAX_DECK_BYTES) -> tuple[dict[str, Any], dict[Path_, tuple[int, int]]]:
    """Read a YAML mapping as plain data plus the (line, col) of every value; raise *error* if unreadable."""
    where = display_path(file)
    if file.stat().st_size > max_bytes:
        raise error(f"file is larger than {max_bytes // (1024 * 1024)} MiB; split it", Location(where))
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", Location(where)) from None
    try:
        root = _yaml().load(text)
    except YAMLError as exc:
        raise error([_yaml_problem(exc, where, text)]) from None
    except RecursionError:
        raise error("the file nests too deeply; flatten the lists and mappings", Location(where, 1, 1)) from None
    except ValueError as exc:  # e.g. an impossible date such as 2010-02-30
        raise error([impossible_date(text, where) or Problem(
            f"a value cannot be read: {exc}; check the dates (YYYY-MM-DD) and quote other values",
            Location(where))]) from None
    if not isinstance(root, CommentedMap):
        raise error("the file must be a YAML mapping (key: value lines)", Location(where, 1, 1))
    dropped: list[tuple[int, int, str]] = []
    _hashtag_comments(root, dropped)
    if dropped:
        raise error([Problem(f"'{tag}' is read as a YAML comment and dropped from the text; "
                             "put the whole value in quotes", Location(where, line, col), _slide_at(root, line))
                     for line, col, tag in dropped])
    positions: dict[Path_, tuple[int, int]] = {}
    try:
        data = _plain(root, (), positions, [MAX_NODES])
    except _TooBig:
        raise error(f"the file expands to more than {MAX_NODES} values (aliases/anchors?); "
                    "write the content out or split it", Location(where, 1, 1)) from None
    except RecursionError:
        raise error("the file nests too deeply (recursive anchors?)", Location(where, 1, 1)) from None
    except _Control as exc:
        p = exc.path
        while p and p not in positions:
            p = p[:-1]
        raise error("the text holds a control character (U+0000-U+001F) that documents cannot contain; "
                    "remove it", Location(where, *positions.get(p, (1, 1)))) from None
    return data, positions


def load_deck(directory: Path | str) -> LoadedDeck:
    """Load and validate ``deck.yaml`` in *directory*; raise :class:`DeckError` listing every problem."""
    directory = Path(directory)
    file = directory / DECK_FILE if directory.is_dir() else directory
    if file.is_file():
        directory = file.parent
    where = display_path(file)
    confine_deck(directory, DeckError)  # a deck folder that is a link out of the project (issue 12, B11)
    if not file.is_file():
        raise DeckError(f"no {DECK_FILE} in {display_path(directory)}; "
                        f"create one with 'deckgen new {display_path(directory)}'", Location(where))
    confine(file, directory, "the deck folder", DeckError)  # deck.yaml -> /etc/passwd (B10)
    data, positions = read_yaml(file)
    problems = _assign_ids(data, positions, where)
    problems.extend(_reference_problems(data, positions, directory, where))
    try:
        deck = Deck.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, data, positions, where))
    if problems:
        raise DeckError(sorted(problems, key=_problem_order))
    return LoadedDeck(deck, directory, file, positions)


def _problem_order(p: Problem) -> tuple[int, int]:
    loc = p.location
    return (loc.line or 0, loc.col or 0) if loc else (0, 0)


def load_decks(directories: list[Path]) -> list[LoadedDeck]:
    """Load every deck; raise one :class:`DeckError` with the problems of all of them."""
    loaded, problems = [], []
    for d in directories:
        check()  # a safe point for Ctrl-C
        try:
            loaded.append(load_deck(d))
        except DeckError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DeckError(problems)
    return loaded
