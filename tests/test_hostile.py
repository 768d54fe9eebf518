"""Hostile and broken inputs: each gives a clear error or is shown literally, never worse.

Deck files and translations come from many hands (docs/security.md).  Every input below
must end in one of two ways:

* **error**: exit code 1, ``Error: <file>:<line>: … what to do``, no traceback, nothing written;
* **literal**: the text appears as typed in the PPTX (read back with python-pptx) and in the
  PDF (read back with pypdf); markup-looking text is never interpreted as HTML, CSS, Jinja or XML.

And never a crash (a traceback), a hang (bounded with :func:`deadline`), a network request
(a loopback HTTP server that the inputs point at records every connection; a guard on
``socket`` records any other) or a file read outside the project (an audit hook records
every ``open``).  Where deckgen does not behave yet, the test says how it should and is
marked ``xfail(strict=True)`` with the cause: fixing the cause makes it pass (and the mark
must then go).  Binary fixtures (images, SVGs) are generated here, never committed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
import zlib
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Self

import PIL.Image
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import Result
import deckgen
from conftest import EXAMPLE_DIR, run_cli, run_cli_ok
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader
from ruamel.yaml import YAML

import deckgen.workers
from deckgen.errors import DeckgenError
from deckgen.i18n import CatalogTranslator, check_catalog, read_catalog
from deckgen.layouts import PACKAGE_LAYOUTS
from deckgen.load import MAX_DECK_BYTES, MAX_NODES, LoadedDeck, load_deck
from deckgen.markup import SAFE_SCHEMES, Run, markup_signature, parse
from deckgen.model import SLIDE_KINDS

# --- watching what a build does ------------------------------------------------------------------

_OPENED: list[str] | None = None  # paths opened while a test that asked for `opened` runs


def _audit(event: str, args: tuple) -> None:
    """Record every file opened for reading (``open`` audit event: builtins, io, os.open, Pillow, pathlib)."""
    if _OPENED is None or event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    try:
        path, mode, flags = (tuple(args) + (None, None))[:3]
        writes = (any(c in mode for c in "wax+") if isinstance(mode, str)
                  else isinstance(flags, int) and flags & os.O_ACCMODE != os.O_RDONLY)
        if not writes:
            _OPENED.append(os.path.abspath(os.fsdecode(path)))
    except Exception:  # noqa: BLE001, S110 - an audit hook must never raise
        pass


sys.addaudithook(_audit)  # cannot be removed; does nothing unless a test uses `opened`


@pytest.fixture
def opened() -> Iterator[Callable[[Path], list[str]]]:
    """``opened(target)``: the recorded opens that reach *target* (through symlinks too)."""
    global _OPENED
    _OPENED = []
    recorded = _OPENED

    def reaching(target: Path) -> list[str]:
        target = target.resolve()
        return [p for p in recorded if Path(p).resolve() == target]

    yield reaching
    _OPENED = None


@pytest.fixture(autouse=True)
def no_network(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test of this file: no socket connects anywhere and no host name is looked up.

    Connections are recorded in a file (forked PDF workers inherit the patch and append to
    it) and then let through, so the loopback server still sees what deckgen would send.
    """
    log = tmp_path_factory.mktemp("net") / "attempts.log"
    real_connect, real_connect_ex, real_getaddrinfo = (socket.socket.connect, socket.socket.connect_ex,
                                                       socket.getaddrinfo)

    def record(what: str) -> None:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"pid {os.getpid()}: {what}\n")

    def connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            record(f"connect {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            record(f"connect_ex {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        record(f"getaddrinfo {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == "", f"network used during the test:\n{attempts}"


@pytest.fixture
def inproc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render PDFs in this process (no worker pool): the audit hook and monkeypatches see all of it."""
    monkeypatch.setattr(deckgen.workers, "start", lambda jobs: None)


class Hung(Exception):
    """Raised by :func:`deadline` (not an OSError, so no ``except OSError`` in deckgen swallows it)."""


@contextlib.contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Interrupt the block (even a blocking system call) after *seconds*: a hang becomes a failure."""
    def alarm(signum, frame):  # type: ignore[no-untyped-def]
        raise Hung(f"{what} did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the loopback server --------------------------------------------------------------------------

_SERVER = r"""
import http.server, sys
log = open(sys.argv[1], "a", buffering=1, encoding="utf-8")

class Handler(http.server.BaseHTTPRequestHandler):
    def setup(self):
        log.write(f"connection from {self.client_address}\n")
        super().setup()

    def do_GET(self):
        log.write(f"{self.command} {self.path}\n")
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"* { color: red }")

    do_HEAD = do_POST = do_GET

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@dataclass
class Loopback:
    """An HTTP server on 127.0.0.1 (its own process) that logs every connection and request."""

    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    log = tmp_path_factory.mktemp("loopback") / "requests.log"
    log.touch()
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(log)], stdout=subprocess.PIPE, text=True)
    try:
        srv = Loopback(int(proc.stdout.readline()), log)  # type: ignore[union-attr]
        # the server does record: one request by hand, before any test's network guard
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
            sock.sendall(b"GET /self-test HTTP/1.0\r\n\r\n")
            sock.recv(100)
        for _ in range(100):
            if "GET /self-test" in srv.lines():
                break
            time.sleep(0.05)
        assert "GET /self-test" in srv.lines(), srv.lines()
        yield srv
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()  # type: ignore[union-attr]


@pytest.fixture
def loopback(server: Loopback) -> Iterator[Loopback]:
    """The loopback server; the test fails if it receives anything during the test."""
    before = len(server.lines())
    yield server
    time.sleep(0.05)  # let a late request reach the log
    assert server.lines()[before:] == [], "deckgen made network requests"


# --- decks, catalogs and outputs ------------------------------------------------------------------


def q(text: str) -> str:
    """*text* as a YAML 1.2 double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def deck_yaml(slides: str, title: str = "Hostile inputs", extra: str = "") -> str:
    """A deck file with the required fields, *extra* top-level YAML and the *slides* YAML block."""
    return f"id: t\ntitle: {q(title)}\nauthor: A\ndate: 2010-08-06\n{extra}slides:\n{textwrap.dedent(slides)}"


def write(project: Path, text: str | bytes, name: str = "t") -> Path:
    """Write ``decks/<name>/deck.yaml``; return the deck folder (relative to the project)."""
    folder = Path("decks") / name
    (project / folder).mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (project / folder / "deck.yaml").write_bytes(data)
    return folder


def table(cases: list) -> list:
    """The cases of a table as pytest parameters, each with its name (the first value) as test id."""
    return [c if hasattr(c, "marks") else pytest.param(*c, id=c[0]) for c in cases]


def line_of(text: str, snippet: str, nth: int = 0) -> int:
    """The 1-based line of the *nth* line of *text* containing *snippet*."""
    return [i for i, line in enumerate(text.splitlines(), 1) if snippet in line][nth]


def crash_of(result: Result) -> str | None:
    """The traceback of an exception other than a clean exit, if the command raised one."""
    exc = result.exception
    if exc is None or isinstance(exc, SystemExit):
        return None
    return "".join(traceback.format_exception(exc, limit=-12))  # the end of a deep recursion is enough


def assert_error(result: Result, pattern: str | None = None) -> None:
    """A clean failure: exit 1, ``Error:`` lines matching *pattern*, no traceback."""
    crash = crash_of(result)
    assert crash is None, crash
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Error:" in result.stderr, result.output
    if pattern is not None:
        assert re.search(pattern, result.stderr), f"{pattern!r} not in:\n{result.stderr}"


def assert_ok(result: Result) -> None:
    crash = crash_of(result)
    assert crash is None, crash
    assert result.exit_code == 0, result.output


def squash(text: str) -> str:
    """Text without whitespace: PDF line wrapping may break a long string anywhere."""
    return re.sub(r"\s+", "", text)


def pptx_text(path: Path) -> str:
    """Every text of the PPTX: shapes and speaker notes."""
    parts = []
    for slide in Presentation(str(path)).slides:
        parts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pptx_links(path: Path) -> list[str]:
    return [rel.target_ref for slide in Presentation(str(path)).slides
            for rel in slide.part.rels.values() if rel.is_external]


def pdf_links(path: Path) -> list[str]:
    out = []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def outputs(project: Path, locale: str = "en", out: str = "out", deck_id: str = "t") -> tuple[Path, Path]:
    folder = project / out / deck_id / locale
    return folder / f"{deck_id}-{locale}.pptx", folder / f"{deck_id}-{locale}.pdf"


def translate(project: Path, deck: Path, locale: str, strings: dict[str, str]) -> Path:
    """Start the *locale* catalog with ``deckgen i18n init`` and translate the msgids of *strings*."""
    run_cli_ok("i18n", "init", deck, locale)
    po = project / deck / "locales" / locale / "LC_MESSAGES" / "deck.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        if msg.id in strings:
            msg.string = strings[msg.id]
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    return po


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below *folder* (hidden ones included) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def png(size: tuple[int, int] = (320, 200), noisy: bool = False) -> bytes:
    image = Image.effect_noise(size, 60).convert("RGB") if noisy else Image.new("RGB", size, (200, 40, 40))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def jpeg(size: tuple[int, int] = (320, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (40, 40, 200)).save(buf, "JPEG")
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=1)
def gigapixel_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid ~100 KiB black-and-white PNG that decodes to 900 million pixels."""
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + 1 bit per pixel
    packer = zlib.compressobj(9)
    block = row * 1000
    data = b"".join(packer.compress(block) for _ in range(height // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


@pytest.fixture
def outside(tmp_path: Path, project: Path) -> Path:
    """A folder beside the project (not in it) with files a build must never read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("SECRET-3f9a-outside-the-project\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(png())
    (folder / "outside.png").write_bytes(png())
    return folder


# ==================================================================================================
# 1. Deck text and translations: HTML, CSS, script, Jinja and XML are shown as typed
# ==================================================================================================

LITERALS = [
    ("script", "<script>alert(1)</script>"),
    ("img-tag", "<img src=http://127.0.0.1:9/x.png onerror=alert(1)>"),
    ("close-style", "</style><style>*{color:red}</style>"),
    ("jinja", "{{ 7*7 }} {% raw %} {# c #}"),
    ("xml-specials", "&amp; < > \" ' &lt; ]]> <![CDATA[x]]>"),
    ("file-link", "[x](file:///etc/passwd)"),
    ("data-link", "[x](data:text/html,<script>alert(1)</script>)"),
    ("javascript-link", "[x](javascript:alert(1))"),
    ("javascript-autolink", "<javascript:alert(1)>"),
]
SOURCE = ("Deck title", "Slide title", "Item text", "Speaker notes")


def literal_deck(deck_title: str, title: str, item: str, notes: str) -> str:
    return deck_yaml(f"""\
        - id: s
          kind: bullets
          title: {q(title)}
          notes: {q(notes)}
          items:
            - {q(item)}
        """, title=deck_title)


@pytest.mark.parametrize("source", ["deck", "translation"])
@pytest.mark.parametrize("name, text", table(LITERALS))
def test_markup_looking_text_is_shown_literally(project: Path, inproc: None, source: str, name: str,
                                                text: str) -> None:
    if source == "deck":
        deck = write(project, literal_deck(text, text, text, text))
        locale = "en"
    else:
        deck = write(project, literal_deck(*SOURCE))
        po = translate(project, deck, "fr", dict.fromkeys(SOURCE, text))
        locale = "fr"
        if any(r.href for r in parse(text)):  # a translation may not add a link (issue 12, B6)
            result = run_cli("build", deck, "--locale", locale, "--out", "out")
            assert_error(result, rf"{po.name}:\d+: the translation of 'Item text' links to ")
            return
    result = run_cli("build", deck, "--locale", locale, "--out", "out")
    assert_ok(result)
    pptx, pdf = outputs(project, locale)
    shown = squash(text)
    assert squash(pptx_text(pptx)).count(shown) >= 3, pptx_text(pptx)  # title, item, notes
    assert shown in squash(pdf_text(pdf)), pdf_text(pdf)
    assert Presentation(str(pptx)).core_properties.title == text
    assert PdfReader(pdf).metadata.title == text
    for href in pptx_links(pptx) + pdf_links(pdf):
        assert href.lower().startswith(SAFE_SCHEMES), href
    assert "49" not in pdf_text(pdf)  # {{ 7*7 }} is never evaluated


@pytest.mark.parametrize("typed", [
    "http://example.org/%3Cscript%3Ealert(1)%3C/script%3E",
    "http://xn--pple-43d.com/login",  # shown as "аpple.com" with a Cyrillic а
    "<http://example.org/%3Cb%3E>",
])
def test_addresses_are_shown_as_typed(typed: str) -> None:
    shown = "".join(r.text for r in parse(typed))
    assert shown == typed.strip("<>")


# --- table cells (issue 16): formulas and markup stay text in the native table and the PDF ----------

CELL_LITERALS = [
    ("formula-hyperlink", '=HYPERLINK("evil.example","click")'),
    ("formula-dde", "=cmd|' /C calc'!A0"),
    ("formula-plus", "+1+1"),
    ("formula-at", "@SUM(1+1)"),
    ("html", "<b>bold?</b>"),
    ("jinja", "{{ 7*7 }}"),
]


@pytest.mark.parametrize("source", ["deck", "translation"])
@pytest.mark.parametrize("name, text", table(CELL_LITERALS))
def test_table_cells_are_shown_as_typed(project: Path, inproc: None, source: str, name: str, text: str) -> None:
    cell = text if source == "deck" else "Cell text"
    deck = write(project, deck_yaml(f"""\
        - id: s
          kind: table
          title: Table
          columns: [Name, {{header: Count, format: number}}]
          rows:
            - [{q(cell)}, 3]
        """))
    locale = "en"
    if source == "translation":
        po = translate(project, deck, "fr", {"Cell text": text})
        locale = "fr"
        if any(r.href for r in parse(text)):  # @SUM is a handle: a translation may not add a link
            assert_error(run_cli("build", deck, "--locale", locale, "--out", "out"),
                         rf"{po.name}:\d+: the translation of 'Cell text' links to ")
            return
    result = run_cli("build", deck, "--locale", locale, "--out", "out")
    assert_ok(result)
    pptx, pdf = outputs(project, locale)
    frame = next(s for s in Presentation(str(pptx)).slides[0].shapes if s.has_table)
    assert frame.table.cell(1, 0).text == text  # a text run of the table, never a formula or a field
    assert "<a:fld" not in frame._element.xml
    assert squash(text) in squash(pdf_text(pdf))
    assert "49" not in pdf_text(pdf)


# --- chart labels (issue 16): formulas and markup stay text in the workbook, the chart and the PDF ---


def _workbook_cells(pptx: Path) -> tuple[list[str], list[str]]:
    """The embedded workbook of the deck's chart: its shared strings and every formula (none expected)."""
    import io
    import zipfile

    from lxml import etree

    chart = next(sh.chart for sh in Presentation(str(pptx)).slides[0].shapes if sh.has_chart)
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob)) as z:
        strings = ["".join(si.itertext()) for si in etree.fromstring(z.read("xl/sharedStrings.xml"))]
        formulas = [f.text or "" for f in etree.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(f"{main}f")]
    return strings, formulas


@pytest.mark.parametrize("source", ["csv", "deck", "translation"])
@pytest.mark.parametrize("name, text", table(CELL_LITERALS))
def test_chart_labels_are_shown_as_typed(project: Path, inproc: None, source: str, name: str, text: str) -> None:
    label = text if source == "deck" else "Label"
    deck = write(project, deck_yaml(f"""\
        - id: s
          kind: chart
          title: Chart
          type: column
          {"data: data.csv" if source == "csv" else f"categories: [{q(label)}, b]"}
          {"" if source == "csv" else f"series: [{{name: {q(label)}, values: [3, 4]}}]"}
        """))
    if source == "csv":
        cell = '"' + text.replace('"', '""') + '"'
        (project / deck / "data.csv").write_text(f"x,{cell}\n{cell},3\nb,4\n", encoding="utf-8")
    locale = "en"
    if source == "translation":
        translate(project, deck, "fr", {"Label": text})
        locale = "fr"
    result = run_cli("build", deck, "--locale", locale, "--out", "out")
    if source == "translation" and any(r.href for r in parse(text)):  # @SUM is a handle: no link may be added
        assert result.exit_code == 1 and "links to" in result.stderr
        return
    assert_ok(result)
    pptx, pdf = outputs(project, locale)
    strings, formulas = _workbook_cells(pptx)
    assert text in strings and formulas == []  # the category and the series name: one plain shared string
    chart = next(sh.chart for sh in Presentation(str(pptx)).slides[0].shapes if sh.has_chart)
    assert list(chart.plots[0].categories)[0] == text and chart.plots[0].series[0].name == text
    assert squash(text) in squash(pdf_text(pdf))
    assert "49" not in pdf_text(pdf)


# --- QR codes (issue 16): the address is data in both formats, never markup -----------------------

QR_ADDRESSES = [
    ("quotes-and-tags", 'https://example.org/"><script>alert(1)</script>'),
    ("jinja", "https://example.org/{{7*7}}?a=1&b=2"),
    ("xml-specials", "https://example.org/?q=<![CDATA[x]]>&amp;"),
]


@pytest.mark.parametrize("name, url", table(QR_ADDRESSES))
def test_qr_addresses_are_encoded_and_described_as_typed(project: Path, inproc: None, name: str, url: str) -> None:
    deck = write(project, deck_yaml(f"""\
        - id: s
          kind: qr
          title: Code
          url: {q(url)}
        """))
    result = run_cli("build", deck, "--out", "out")
    assert_ok(result)
    pptx, pdf = outputs(project)
    group = next(s for s in Presentation(str(pptx)).slides[0].shapes if s.name == "qr")
    assert group._element.xpath("./p:nvGrpSpPr/p:cNvPr/@descr")[0] == url
    assert squash(url) in squash(pdf_text(pdf))  # the address under the code, as typed
    assert "49" not in pdf_text(pdf)


# --- control characters: invalid in XML (PPTX) ----------------------------------------------------

CONTROL = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"]


def _assert_rejected_or_dropped(result: Result, project: Path, locale: str, file_pattern: str) -> None:
    """Either an error naming the file and line, or a build where the character is gone."""
    crash = crash_of(result)
    assert crash is None, crash
    if result.exit_code == 1:
        assert_error(result, file_pattern)
        return
    assert_ok(result)
    pptx, pdf = outputs(project, locale)
    for text in (pptx_text(pptx), pdf_text(pdf)):
        assert "ab" in squash(text)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_control_character_escaped_in_deck_text(project: Path, inproc: None, char: str) -> None:
    text = deck_yaml(f"""\
        - id: s
          kind: bullets
          title: Control
          items:
            - {q("a" + char + "b")}
        """)
    deck = write(project, text)
    line = line_of(text, "- " + q("a" + char + "b"))
    result = run_cli("build", deck, "--out", "out")
    _assert_rejected_or_dropped(result, project, "en", rf"decks/t/deck\.yaml:{line}\b")


def test_raw_control_character_in_deck_file_is_an_error_with_its_line(project: Path) -> None:
    text = deck_yaml("""\
        - id: s
          kind: section
          title: "a\x01b"
        """)
    result = run_cli("build", write(project, text), "--format", "pptx", "--out", "out")
    assert_error(result, rf"decks/t/deck\.yaml:{line_of(text, 'title:', 1)}\b.*(character|U\+0001|#x0001)")


def test_control_character_in_translation(project: Path, inproc: None) -> None:
    deck = write(project, literal_deck(*SOURCE))
    po = translate(project, deck, "fr", {"Item text": "a\x01b"})
    line = line_of(po.read_text(encoding="utf-8"), 'msgid "Item text"')
    result = run_cli("build", deck, "--locale", "fr", "--out", "out")
    _assert_rejected_or_dropped(result, project, "fr", rf"deck\.po:({line - 1}|{line}|{line + 1})\b")


# ==================================================================================================
# 2. Images: only local PNG/JPEG files inside the deck folder, never followed out of it
# ==================================================================================================

FILE_REFS = [
    ("http", "{server}/x.png", "not an address or absolute path"),
    ("https", "https://example.org/x.png", "not an address or absolute path"),
    ("file-url", "file:///etc/hostname", "not an address or absolute path"),
    ("data-url", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
     "not an address or absolute path"),
    ("absolute", "/etc/hostname", "not an address or absolute path"),
    ("absolute-outside", "{outside}/secret.png", "not an address or absolute path"),
    ("dotdot", "../../outside.png", "outside the deck folder"),
    ("dotdot-late", "sub/../../../outside.png", "outside the deck folder"),
    ("dotdot-far", "../" * 30 + "etc/hostname", "outside the deck folder"),
    ("windows-drive", "C:\\pictures\\x.png", "not an address or absolute path"),
    ("unc-share", "\\\\server\\share\\x.png", "not an address or absolute path"),
    pytest.param("name-too-long", "a" * 300 + ".png", "file name|too long|not found", id="name-too-long"),
]


@pytest.mark.parametrize("field", ["image", "photo"])
@pytest.mark.parametrize("name, ref, what", table(FILE_REFS))
def test_image_reference_outside_the_deck_is_an_error_naming_slide_and_line(
        project: Path, outside: Path, loopback: Loopback, opened, field: str, name: str, ref: str,
        what: str) -> None:
    ref = ref.format(server=loopback.url, outside=outside)
    (project / "outside.png").write_bytes(png())  # what ../../outside.png reaches: it exists
    if field == "image":
        slides = f"""\
            - id: pic
              kind: image
              file: {q(ref)}
              alt: A picture
            """
    else:
        slides = f"""\
            - id: pic
              kind: people
              title: People
              people:
                - name: Ann
                  photo: {q(ref)}
            """
    text = deck_yaml(slides)
    line = line_of(text, "file:" if field == "image" else "photo:")
    with deadline(20, "the build"):
        result = run_cli("build", write(project, text), "--out", "out")
    assert_error(result, rf"decks/t/deck\.yaml:{line}:\d+: slide pic: .*({what})")
    assert not (project / "out").exists()
    for target in (project / "outside.png", outside / "secret.png", Path("/etc/hostname")):
        assert not opened(target), f"{target} was read"


def _symlink_cases(project: Path, deck: Path, outside: Path) -> dict[str, str]:
    """Symlinks in the deck folder that lead out of it; returns {case: name used in the deck}."""
    d = project / deck
    (d / "to-etc.png").symlink_to("/etc/hostname")
    (d / "to-outside.png").symlink_to(outside / "secret.png")
    (d / "to-project.png").symlink_to(project / "assets" / "brands" / "hcsmeu" / "logo.png")
    (d / "sub").symlink_to(outside, target_is_directory=True)
    (d / "loop.png").symlink_to(d / "loop.png")
    return {"to-etc": "to-etc.png", "to-outside": "to-outside.png", "to-project": "to-project.png",
            "folder-link": "sub/secret.png", "self-loop": "loop.png"}


@pytest.mark.parametrize("case", ["to-etc", "to-outside", "to-project", "folder-link", pytest.param(
    "self-loop")])
def test_symlink_out_of_the_deck_folder_is_an_error_and_not_followed(
        project: Path, outside: Path, inproc: None, opened, case: str) -> None:
    deck = write(project, "")  # replaced below
    name = _symlink_cases(project, deck, outside)[case]
    text = deck_yaml(f"""\
        - id: pic
          kind: image
          file: {q(name)}
          alt: A picture
        """)
    write(project, text)
    with deadline(20, "the build"):
        result = run_cli("build", deck, "--out", "out")
    assert_error(result, rf"decks/t/deck\.yaml:{line_of(text, 'file:')}:\d+: slide pic: .*"
                         r"(outside the deck folder|not found)")
    for target in (outside / "secret.png", Path("/etc/hostname")):
        assert not opened(target), f"{target} was read through the symlink"


_FINGERPRINT = ("incremental._digest_tree (the fingerprint of the build manifest, via _files and _deck) "
                "reads every file under the deck folder with Path.read_bytes(), following symlinks, even "
                "files the deck never names")


def test_a_symlink_the_deck_does_not_use_is_never_read(project: Path, outside: Path, inproc: None,
                                                        opened) -> None:
    deck = write(project, literal_deck(*SOURCE))
    (project / deck / "notes.txt").symlink_to(outside / "secret.txt")
    with deadline(20, "the build"):
        result = run_cli("build", deck, "--format", "pptx", "--out", "out")
    assert crash_of(result) is None, crash_of(result)
    assert not opened(outside / "secret.txt")


def test_a_fifo_in_the_deck_folder_does_not_hang_the_build(project: Path, outside: Path, inproc: None) -> None:
    deck = write(project, literal_deck(*SOURCE))
    os.mkfifo(outside / "pipe")
    (project / deck / "pipe.png").symlink_to(outside / "pipe")
    with deadline(3, "a build with a FIFO in the deck folder"):
        result = run_cli("build", deck, "--format", "pptx", "--out", "out")
    assert crash_of(result) is None, crash_of(result)


# --- image content: bombs, truncated and mislabelled files ---------------------------------------

_NO_IMAGE_CHECK = ("nothing reads the image data before rendering: compose._image only opens the "
                   "header with Pillow (Image.open), python-pptx embeds the bytes as they are and "
                   "WeasyPrint passes PNG data through to the PDF")
_UNCAUGHT_PIL = ("compose._image calls PIL.Image.open without catching its errors: {exc} is a "
                 "traceback, not an error naming the slide and the file")
_IMAGE_FIX = (". Fix: check every deck image once in load.deck_file (or a check in load._reference_"
              "problems): Image.open + verify() + load() in try/except (OSError, SyntaxError, "
              "Image.DecompressionBombError, ValueError), plus a pixel limit, reported as "
              "'image pic.png: …' at the file: line")

IMAGE_CONTENTS = [
    pytest.param("gigapixel", lambda: gigapixel_png(), "error", id="gigapixel"),
    pytest.param("truncated", lambda: png(noisy=True)[: len(png(noisy=True)) // 2], "error",
                 id="truncated"),
    pytest.param("header-only", lambda: png(noisy=True)[:60], "error",
        id="header-only"),
    pytest.param("jpeg-named-png", lambda: jpeg(), "works-or-error", id="jpeg-named-png"),
    pytest.param("text-named-png", lambda: b"this is not a picture\n", "error",
        id="text-named-png"),
    pytest.param("empty", lambda: b"", "error", id="empty"),
]


@pytest.mark.parametrize("name, make, expected", table(IMAGE_CONTENTS))
def test_broken_or_huge_image_gives_a_clear_error(project: Path, inproc: None, name: str,
                                                  make: Callable[[], bytes], expected: str) -> None:
    text = deck_yaml("""\
        - id: pic
          kind: image
          file: pic.png
          alt: A picture
        """)
    deck = write(project, text)
    (project / deck / "pic.png").write_bytes(make())
    started = time.perf_counter()
    with deadline(30, "the build"):
        result = run_cli("build", deck, "--out", "out")
    assert time.perf_counter() - started < 20
    crash = crash_of(result)
    assert crash is None, crash
    if expected == "works-or-error" and result.exit_code == 0:
        pptx, pdf = outputs(project)
        assert any(shape.shape_type == 13 for slide in Presentation(str(pptx)).slides for shape in slide.shapes)
        assert PdfReader(pdf).pages[0].images, "the picture is missing from the PDF"
        return
    assert_error(result, rf"decks/t/deck\.yaml:{line_of(text, 'file:')}:\d+: slide pic: .*pic\.png")
    assert not (project / "out").exists()


# --- brand logos as SVG: external entities and entity expansion ----------------------------------


def _evil_brand(project: Path, svg: str) -> None:
    """A throwaway brand extending hcsmeu whose logo.svg is *svg* (and logo.png a valid picture)."""
    folder = project / "assets" / "brands" / "evil"
    folder.mkdir()
    shutil.copy(project / "assets" / "brands" / "hcsmeu" / "logo.png", folder / "logo.png")
    (folder / "logo.svg").write_text(svg, encoding="utf-8")
    (folder / "brand.yaml").write_text("extends: hcsmeu\nname: Evil\nlogo: {png: logo.png, svg: logo.svg}\n",
                                       encoding="utf-8")


def _xxe_svg(secret: Path) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
            '<text x="0" y="30">&x;</text></svg>\n')


def _billion_laughs_svg() -> str:
    entities = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n' + "\n".join(entities) + "\n]>\n"
            '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
            '<text x="0" y="30">&l9;</text></svg>\n')


def _external_reference_svg(url: str, secret: Path) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="200" height="60"><style>@import url("{url}/svg-import.css");</style>'
            f'<image href="{url}/svg-image.png" width="10" height="10"/>'
            f'<image xlink:href="file://{secret}" width="10" height="10"/>'
            f'<use href="{url}/sprite.svg#x"/><text x="0" y="30">logo</text></svg>\n')


@pytest.mark.parametrize("kind", ["external-entity", "billion-laughs", "external-references"])
def test_hostile_brand_svg_is_an_error_or_harmless(project: Path, outside: Path, inproc: None, opened,
                                                  loopback: Loopback, kind: str) -> None:
    secret = outside / "secret.txt"
    svg = {"external-entity": lambda: _xxe_svg(secret), "billion-laughs": _billion_laughs_svg,
           "external-references": lambda: _external_reference_svg(loopback.url, secret)}[kind]()
    _evil_brand(project, svg)
    deck = write(project, deck_yaml("""\
        - kind: title
          title: Hello
        - kind: section
          title: Part one
        """))
    started = time.perf_counter()
    with deadline(30, "the build"):
        result = run_cli("build", deck, "--brand", "evil", "--format", "pdf", "--out", "out")
    assert time.perf_counter() - started < 15
    crash = crash_of(result)
    assert crash is None, crash
    if result.exit_code == 1:
        assert_error(result, r"logo\.svg")
    else:
        assert_ok(result)
        pdf = project / "out" / "t" / "evil" / "en" / "t-evil-en.pdf"
        assert "SECRET" not in pdf_text(pdf) and b"SECRET" not in pdf.read_bytes()
        assert "lollollol" not in pdf_text(pdf)
    assert not opened(secret)


# ==================================================================================================
# 3. Malformed and oversized YAML
# ==================================================================================================


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Nested lists of aliases: 9 levels of 9 make 9**9 (387 million) values if expanded."""
    lines = ["anchors:", f"  - &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"  - &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return deck_yaml(f"""\
        - id: s
          kind: bullets
          title: Bomb
          items: *l{levels - 1}
        """, extra="\n".join(lines) + "\n")


YAML_CASES = [
    ("tab-indent", lambda: deck_yaml("- id: s\n  kind: bullets\n  title: X\n  items:\n\t- tabbed\n"),
     r"decks/t/deck\.yaml:10:\d+: YAML syntax error.*replace the tab"),
    ("duplicate-key", lambda: deck_yaml("- id: s\n  kind: section\n  title: A\n  title: B\n"),
     r"decks/t/deck\.yaml:9:\d+: .*once per mapping"),
    ("duplicate-top-key", lambda: deck_yaml("- kind: section\n  title: A\n", extra="title: again\n"),
     r"decks/t/deck\.yaml:5:\d+: .*once per mapping"),
    pytest.param("alias-bomb", _alias_bomb, rf"decks/t/deck\.yaml:1:1: .*more than {MAX_NODES} values",
                 id="alias-bomb"),
    ("too-big", lambda: deck_yaml("- kind: section\n  title: A\n") + "# padding\n" * (MAX_DECK_BYTES // 10 + 100_000),
     r"decks/t/deck\.yaml: file is larger than 5 MiB; split it"),
    pytest.param("deeply-nested", lambda: deck_yaml("- kind: section\n  title: A\n", extra="x: " + "[" * 500
                                                    + "]" * 500 + "\n"),
                 r"decks/t/deck\.yaml.*(deep|nest)", id="deeply-nested"),
    ("not-utf8", lambda: deck_yaml("- kind: section\n  title: A\n").encode() + b"# \xff\xfe\n",
     r"decks/t/deck\.yaml: not UTF-8 text \(byte \d+\); save the file as UTF-8"),
    ("python-tag-scalar", lambda: deck_yaml("- kind: section\n  title: !!python/name:os.system x\n"),
     r"decks/t/deck\.yaml:7:\d+: "),
    pytest.param("python-tag", lambda: deck_yaml('- kind: section\n  title: !!python/object/apply:os.system ["echo pwned"]\n'),
                 r"decks/t/deck\.yaml:7:\d+: ",
                 id="python-tag"),
    ("not-a-mapping", lambda: "- just\n- a list\n", r"decks/t/deck\.yaml:1:1: the file must be a YAML mapping"),
    ("hashtag-comment", lambda: deck_yaml("- kind: section\n  title: Hello #hcsmeu\n"),
     r"decks/t/deck\.yaml:7:\d+: .*'#hcsmeu' is read as a YAML comment"),
]


@pytest.mark.parametrize("name, make, pattern", table(YAML_CASES))
def test_malformed_yaml_is_a_clear_error_in_bounded_time(project: Path, name: str,
                                                         make: Callable[[], str | bytes], pattern: str) -> None:
    deck = write(project, make())
    started = time.perf_counter()
    with deadline(5, "loading the deck"):
        result = run_cli("build", deck, "--format", "pptx", "--out", "out")
    assert_error(result, pattern)
    assert time.perf_counter() - started < 5
    assert not (project / "out").exists()


def test_a_one_megabyte_line_loads_in_bounded_time(project: Path) -> None:
    text = deck_yaml(f"""\
        - id: s
          kind: bullets
          title: Long
          items:
            - {"word " * 200_000}
        """)
    assert len(text) > 1_000_000
    deck = write(project, text)
    with deadline(20, "loading a deck with a 1 MB line"):
        loaded = load_deck(deck)
    assert len(loaded.deck.slides[0].items[0].text) > 999_000


@pytest.mark.slow
def test_a_one_megabyte_line_builds_or_fails_clearly_in_bounded_time(project: Path, inproc: None) -> None:
    deck = write(project, deck_yaml(f"""\
        - id: s
          kind: bullets
          title: Long
          items:
            - {"word " * 200_000}
        """))
    with deadline(120, "building a deck with a 1 MB line"):
        result = run_cli("build", deck, "--out", "out")
    crash = crash_of(result)
    assert crash is None, crash
    if result.exit_code == 1:
        assert_error(result, r"deck\.yaml|too long")
    else:
        assert "too long for its box" in result.stderr


# ==================================================================================================
# 4. Malformed PO files
# ==================================================================================================

PO_DECK = deck_yaml("""\
    - id: s
      kind: bullets
      title: Hello
      items:
        - "%(count)s people"
    - id: f
      kind: figures
      title: Figures
      figures:
        - value: 3
          label: {one: tweetup, other: tweetups}
    """)

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgctxt "s.title"
msgid "Hello"
msgstr "Bonjour"

msgctxt "s.items.text"
msgid "%(count)s people"
msgstr "%(count)s personnes"

msgctxt "f.figures.label"
msgid "tweetup"
msgid_plural "tweetups"
msgstr[0] "rencontre"
msgstr[1] "rencontres"
"""
HEADER_LINES, HELLO_LINES, PEOPLE_LINES, PLURAL_LINES = "[1-5]", "(7|8|9)", "(11|12|13)", "(15|16|17|18|19)"
_PLURAL_NO_LINE = ("i18n.read_catalog reports an invalid Plural-Forms header with Location(file) and no "
                   "line. Fix: pass the line of the 'Plural-Forms:' header (found in the text) to the Location")

PO_CASES = [
    pytest.param("bad-plural-expression", ("plural=(n > 1);", "plural=n >>> 1;"), HEADER_LINES + r"\b.*Plural-Forms", id="bad-plural-expression"),
    pytest.param("plural-divides-by-zero", ("plural=(n > 1);", "plural=(n % 0);"), HEADER_LINES + r"\b.*Plural-Forms", id="plural-divides-by-zero"),
    pytest.param("plural-out-of-range", ("plural=(n > 1);", "plural=(n - 5);"), HEADER_LINES + r"\b.*Plural-Forms",
                 id="plural-out-of-range"),
    pytest.param("absurd-nplurals", ("nplurals=2;", "nplurals=1000000;"), HEADER_LINES + r"\b.*Plural-Forms",
                 id="absurd-nplurals"),
    ("broken-escape", ('msgstr "Bonjour"', r'msgstr "x\q"'), HELLO_LINES + r"\b.*broken PO syntax"),
    ("unterminated-string", ('msgstr "Bonjour"', 'msgstr "Bonjour'), HELLO_LINES + r"\b.*broken PO syntax"),
    ("string-on-two-lines", ('msgstr "Bonjour"', 'msgstr "Bon\njour"'), HELLO_LINES + r"\b.*broken PO syntax"),
    ("renamed-placeholder", ('"%(count)s personnes"', '"%(nombre)s personnes"'),
     PEOPLE_LINES + r"\b.*placeholders .* differ from the source \(expected: %\(count\)s\)"),
    ("dropped-placeholder", ('"%(count)s personnes"', '"des personnes"'), PEOPLE_LINES + r"\b.*placeholders"),
    ("added-placeholder", ('msgstr "Bonjour"', 'msgstr "Bonjour %(secret)s"'), HELLO_LINES + r"\b.*placeholders"),
    ("added-link", ('msgstr "Bonjour"', 'msgstr "Bonjour [ici](https://evil.example/)"'),
     HELLO_LINES + r"\b.*different inline markup"),
    pytest.param("too-many-plural-forms", ('msgstr[1] "rencontres"', 'msgstr[1] "rencontres"\nmsgstr[2] "x"'),
                 PLURAL_LINES + r"\b",
                 id="too-many-plural-forms"),
]


@pytest.mark.parametrize("name, change, pattern", table(PO_CASES))
def test_malformed_catalog_is_an_error_naming_file_and_line(project: Path, name: str, change: tuple[str, str],
                                                            pattern: str) -> None:
    deck = write(project, PO_DECK)
    po = project / deck / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
    po.parent.mkdir(parents=True)
    old, new = change
    assert old in PO
    po.write_text(PO.replace(old, new, 1), encoding="utf-8")
    with deadline(10, "reading the catalog"):
        result = run_cli("build", deck, "--locale", "fr", "--format", "pptx", "--out", "out")
    assert_error(result, r"decks/t/locales/fr/LC_MESSAGES/deck\.po:" + pattern)
    assert not (project / "out").exists()


def test_catalog_that_is_not_utf8_is_an_error_naming_it(project: Path) -> None:
    deck = write(project, PO_DECK)
    po = project / deck / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(PO.replace("Bonjour", "Bonjour \xe9").encode("latin-1"))
    result = run_cli("build", deck, "--locale", "fr", "--format", "pptx", "--out", "out")
    assert_error(result, r"decks/t/locales/fr/LC_MESSAGES/deck\.po: not UTF-8 text")


# ==================================================================================================
# 5. Outputs: nothing partial, the previous good output survives
# ==================================================================================================


def _two_versions(project: Path) -> tuple[Path, Path]:
    """Two deck folders with the same deck id (so the same outputs) and different text."""
    first = write(project, literal_deck("Deck", "First version", "Item", "Notes"), name="v1")
    second = write(project, literal_deck("Deck", "Second version", "Item", "Notes"), name="v2")
    return first, second


def test_output_folder_under_a_file_is_an_error_and_writes_nothing(project: Path, inproc: None) -> None:
    first, second = _two_versions(project)
    assert_ok(run_cli("build", first, "--out", "out"))
    before = snapshot(project / "out")
    (project / "out" / "file.txt").write_text("a file, not a folder\n")
    before["file.txt"] = (project / "out" / "file.txt").read_bytes()
    result = run_cli("build", second, "--out", "out/file.txt/sub")
    assert_error(result, r"cannot write to out/file\.txt/sub\S*: Not a directory; choose another folder with --out")
    assert snapshot(project / "out") == before


class _FullDisk:
    """A file object that writes half of what it is given, then fails as a full disk does."""

    def __init__(self, fh: io.BufferedWriter) -> None:
        self._fh = fh

    def write(self, data: bytes) -> int:
        self._fh.write(data[: len(data) // 2])
        self._fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._fh, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def test_disk_full_mid_write_leaves_the_previous_outputs(project: Path, inproc: None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _two_versions(project)
    assert_ok(run_cli("build", first, "--out", "out"))
    before = snapshot(project / "out")
    assert {"t/en/t-en.pptx", "t/en/t-en.pdf"} <= set(before)
    real_fdopen = os.fdopen
    staged = []

    def fdopen(fd: int, *args, **kwargs):  # type: ignore[no-untyped-def]
        fh = real_fdopen(fd, *args, **kwargs)
        if sys._getframe(1).f_globals.get("__name__") != "deckgen.publish":
            return fh
        staged.append(fd)
        return fh if len(staged) == 1 else _FullDisk(fh)  # the first output is staged, the second fills the disk

    monkeypatch.setattr(os, "fdopen", fdopen)
    result = run_cli("build", second, "--out", "out")
    monkeypatch.undo()
    assert len(staged) >= 2
    assert_error(result, r"could not write out/t/en/t-en\.\w+: No space left on device; "
                         r"the previous file, if any, is unchanged")
    assert not [p for p in (project / "out").rglob("*") if p.name.endswith(".tmp")]
    assert snapshot(project / "out") == before


def test_a_failed_rename_leaves_no_temporary_file_and_no_half_updated_outputs(project: Path, inproc: None) -> None:
    first, second = _two_versions(project)
    assert_ok(run_cli("build", first, "--format", "pptx", "--out", "out"))
    (project / "out" / "t" / "en" / "t-en.pdf").mkdir()  # where the PDF should go, a folder is in the way
    before = snapshot(project / "out")
    result = run_cli("build", second, "--out", "out")
    assert_error(result, r"t-en\.pdf")
    assert not [p for p in (project / "out").rglob("*") if p.name.endswith(".tmp")]
    assert snapshot(project / "out") == before


# ==================================================================================================
# 6. No network, ever: a loopback server the inputs point at receives nothing
# ==================================================================================================


def _loopback_deck(url: str) -> str:
    return deck_yaml(f"""\
        - id: s
          kind: bullets
          title: Links
          items:
            - {q(f"[site]({url}/link) <{url}/autolink> {url}/bare")}
            - {q(f"<img src={url}/img.png> <link rel=stylesheet href={url}/x.css>")}
            - {q(f"[home]({url}/translated-link)")}
        """, extra=f"""\
events:
  - id: meet
    title: Meet
    dates: [2010-09-01]
    link: {url}/event
""")


def test_build_with_pdf_workers_requests_nothing(project: Path, loopback: Loopback) -> None:
    """The real command (PDF worker processes): links in the deck and in a translation are only links.

    (A translation may only keep its source's links, issue 12 B6: it translates the text.)"""
    deck = write(project, _loopback_deck(loopback.url))
    translate(project, deck, "fr", {f"[home]({loopback.url}/translated-link)":
                                    f"[accueil]({loopback.url}/translated-link) <img src=fr.png>"})
    result = run_cli("build", deck, "--out", "out")
    assert_ok(result)
    for locale in ("en", "fr"):
        pptx, pdf = outputs(project, locale)
        assert f"{loopback.url}/link" in pptx_links(pptx)
        assert f"{loopback.url}/link" in pdf_links(pdf)


def _insert_before(marker: str, addition: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert marker in text
        return text.replace(marker, addition + marker, 1)
    return edit


LAYOUT_VECTORS: dict[str, tuple[str, Callable[[str, Path], Callable[[str], str]]]] = {
    "img": ("slide.html.j2", lambda u, s: _insert_before("</section>", f'<img src="{u}/y.png" alt="">')),
    "css-import": ("deck.css.j2", lambda u, s: lambda t: f'@import url("{u}/z.css");\n' + t),
    "css-background": ("deck.css.j2", lambda u, s: lambda t: t + f'\nhtml {{ background-image: url("{u}/bg.png") }}\n'),
    "font-face": ("deck.css.j2", lambda u, s: lambda t: t + '\n@font-face { font-family: "Remote"; '
                  f'src: url("{u}/font.woff") }}\nbody {{ font-family: "Remote", sans-serif }}\n'),
    "stylesheet-link": ("deck.html.j2", lambda u, s: _insert_before("<style>", f'<link rel="stylesheet" href="{u}/s.css">\n')),
    "object": ("slide.html.j2", lambda u, s: _insert_before("</section>", f'<object data="{u}/o.svg" type="image/svg+xml"></object>')),
    "embed": ("slide.html.j2", lambda u, s: _insert_before("</section>", f'<embed src="{u}/e.svg" type="image/svg+xml">')),
    "inline-svg-image": ("slide.html.j2", lambda u, s: _insert_before(
        "</section>", f'<svg width="10" height="10"><image href="{u}/i.png" width="10" height="10"/></svg>')),
    "userinfo-host": ("slide.html.j2", lambda u, s: _insert_before(
        "</section>", f'<img src="https://deck.invalid@{u.removeprefix("http://")}/u.png" alt="">')),
    "file-url": ("slide.html.j2", lambda u, s: _insert_before("</section>", f'<img src="file://{s}" alt="">')),
    "dotdot-in-sandbox": ("slide.html.j2", lambda u, s: _insert_before(
        "</section>", f'<img src="https://project.invalid/{"%2e%2e/" * 20}{str(s).lstrip("/")}" alt="">')),
}


@pytest.mark.parametrize("vector", list(LAYOUT_VECTORS))
def test_project_layout_asking_for_the_network_or_outside_files_gets_nothing(
        project: Path, outside: Path, inproc: None, opened, loopback: Loopback, vector: str) -> None:
    """Layouts are trusted, but even they cannot make the PDF renderer fetch: a clear error or nothing."""
    name, make = LAYOUT_VECTORS[vector]
    secret = outside / "secret.png"
    template = (PACKAGE_LAYOUTS / name).read_text(encoding="utf-8")
    (project / "layouts" / name).write_text(make(loopback.url, secret)(template), encoding="utf-8")
    deck = write(project, literal_deck(*SOURCE))
    with deadline(30, "the build"):
        result = run_cli("build", deck, "--format", "pdf", "--out", "out")
    crash = crash_of(result)
    assert crash is None, crash
    if result.exit_code:
        assert_error(result, r"(may not read|blocked|not a project file|WeasyPrint reported)")
    assert not opened(secret)


def test_a_template_in_the_deck_folder_cannot_run_code_or_read_outside_files(
        project: Path, outside: Path, inproc: None, opened, loopback: Loopback) -> None:
    secret = outside / "secret.txt"
    deck = write(project, literal_deck(*SOURCE))
    (project / deck / "layouts").mkdir()
    steal = f'cycler.__init__.__globals__.__builtins__.__import__("pathlib").Path({q(str(secret))}).read_text()'
    (project / deck / "layouts" / "slide.html.j2").write_text(
        f'<section class="slide"><p>{{{{ {steal} }}}}</p></section>\n', encoding="utf-8")
    result = run_cli("build", deck, "--format", "pdf", "--out", "out")
    assert crash_of(result) is None, crash_of(result)
    assert not opened(secret), "a deck's template read a file outside the project"
    if result.exit_code == 0:
        assert "SECRET" not in pdf_text(outputs(project)[1])
    else:
        assert_error(result, r"layout|not allowed|unsafe")


def test_image_slide_pointing_at_the_server_is_an_error_without_a_request(project: Path, loopback: Loopback) -> None:
    text = deck_yaml(f"""\
        - id: pic
          kind: image
          file: {q(loopback.url + "/photo.png")}
          alt: A picture
        """)
    result = run_cli("build", write(project, text), "--out", "out")
    assert_error(result, rf"decks/t/deck\.yaml:{line_of(text, 'file:')}:\d+: slide pic: .*not an address")


def test_announce_example_deck_requests_nothing(project: Path, loopback: Loopback) -> None:
    result = run_cli("announce", EXAMPLE_DIR, "--locale", "en", "--next", "2010-08-01", "--out", "out")
    assert_ok(result)
    assert list((project / "out").rglob("*-flyer.pdf"))


def test_announce_with_links_to_the_server_and_a_hostile_flyer_layout_requests_nothing(
        project: Path, loopback: Loopback) -> None:
    deck = write(project, _loopback_deck(loopback.url))
    flyer = (PACKAGE_LAYOUTS / "announce" / "flyer.css.j2").read_text(encoding="utf-8")
    (project / "layouts" / "announce").mkdir()
    (project / "layouts" / "announce" / "flyer.css.j2").write_text(
        f'@import url("{loopback.url}/flyer.css");\n' + flyer, encoding="utf-8")
    result = run_cli("announce", deck, "--locale", "en", "--next", "2010-08-01", "--out", "out")
    assert crash_of(result) is None, crash_of(result)
    if result.exit_code:
        assert_error(result, r"(may not read|blocked|WeasyPrint reported)")
    (project / "layouts" / "announce" / "flyer.css.j2").unlink()
    assert_ok(run_cli("announce", deck, "--locale", "en", "--next", "2010-08-01", "--out", "out2"))
    posts = "".join(p.read_text(encoding="utf-8") for p in (project / "out2").rglob("*.txt"))
    assert f"{loopback.url}/event" in posts  # the link is written out, never fetched


INJECTED = "Meet\nBcc: victim@example.org\nATTENDEE:mailto:victim@example.org"
INJECTED_PLACE = "Paris\r\nBcc: victim2@example.org"


def test_line_breaks_in_announced_text_cannot_inject_headers_or_calendar_properties(project: Path) -> None:
    deck = write(project, deck_yaml("""\
        - kind: schedule
          title: When
          events: [meet]
        """, extra=f"""\
events:
  - id: meet
    title: {q(INJECTED)}
    description: {q("<script>alert(1)</script>")}
    dates: [2010-09-01]
    place: {q(INJECTED_PLACE)}
"""))
    assert_ok(run_cli("announce", deck, "--locale", "en", "--next", "2010-08-01", "--out", "out"))
    eml, = (project / "out").rglob("*.eml")
    headers = eml.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert not re.search(r"(?im)^(bcc|attendee)", headers), headers
    ics, = (project / "out").rglob("*.ics")
    assert not re.search(r"(?im)^(bcc|attendee)", ics.read_text(encoding="utf-8"))


def test_line_break_in_the_author_is_flattened_or_an_error(project: Path) -> None:
    text = deck_yaml("""\
        - kind: schedule
          title: When
          events: [meet]
        """, extra="events:\n  - id: meet\n    title: Meet\n    dates: [2010-09-01]\n").replace(
        "author: A\n", "author: " + q("A\r\nBcc: victim@example.org") + "\n")
    result = run_cli("announce", write(project, text), "--locale", "en", "--next", "2010-08-01", "--out", "out")
    crash = crash_of(result)
    assert crash is None, crash
    if result.exit_code:
        assert_error(result, r"decks/t/deck\.yaml:3\b")
    else:
        eml, = (project / "out").rglob("*.eml")
        assert not re.search(r"(?im)^bcc", eml.read_text(encoding="utf-8").split("\n\n", 1)[0])


# ==================================================================================================
# 7. Properties: arbitrary input gives a result or a deckgen error, never another exception
# ==================================================================================================

PROPERTIES = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # no lone surrogates: files are UTF-8

MARKUP_BITS = ["<script>", "<script", "</script>", "SCRIPT", "script", "<", ">", "&lt;", "&#60;", "&#x3c;", "*",
               "**", "_", "\\", "[", "]", "(", ")", "](", "`", "#", "@", "^", "~", "\n", "  \n", " ", "a", "é",
               "http://", "https://", "www.", "mailto:", "javascript:", "file:///", "data:", "x.org", "/",
               ":", "!", "<img src=", "{{", "}}", "%(n)s", "{n}", "\x00", "\u202e", "\r"]
markup_text = st.one_of(TEXT, st.lists(st.sampled_from(MARKUP_BITS), max_size=30).map("".join))


@PROPERTIES
@given(markup_text)
@example("<**script**>alert(1)")
@example("&lt;script&gt; &#60;script")
@example("\\http://0 \\www.x.org")  # a backslash before an address is a character, not an escape
@example("[x](javascript:alert(1)) <javascript:alert(1)> [y](data:text/html,x) [z](file:///etc/passwd)")
def test_markup_never_raises_never_decodes_and_only_links_safe_schemes(text: str) -> None:
    runs = parse(text)
    assert isinstance(runs, tuple) and all(isinstance(r, Run) for r in runs)
    for r in runs:
        assert r.href is None or r.href.lower().startswith(SAFE_SCHEMES), r
    # markup only removes characters: no entity, escape or tag is turned into another character
    # (the text of addresses is pinned by test_addresses_are_shown_as_typed)
    shown = "".join(r.text for r in runs if r.kind != "url")
    have = Counter(c for c in shown if not c.isspace() and c != "\ufffd")
    typed = Counter(text)
    assert not have - typed, have - typed
    if "<script" in shown.lower():
        assert "<" in text and "script" in text.lower()
    markup_signature(text)


YAML_BITS = ["id: t\n", "title: T\n", "author: A\n", "date: 2010-08-06\n", "slides:\n", "  - kind: bullets\n",
             "  - kind: image\n    file: x.png\n    alt: a\n", "    title: X\n", "    items: [a, b]\n",
             "    items:\n      - a\n", "&a ", "*a", "<<: *a\n", "!!python/object/apply:os.system [ls]", "!!binary ",
             "!!set ", "!x ", "? ", ": ", "- ", "  ", "\t", "#tag", " #c", "'", '"', "{", "}", "[", "]", ",",
             "|\n", ">-\n", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\n", "2010-02-30", "13:00",
             "0x1F", ".nan", "~", "null", "yes", "1e400", "\ufeff", "\x85", "\u2028", "\\x00"]
yaml_text = st.one_of(TEXT, st.lists(st.one_of(st.sampled_from(YAML_BITS), TEXT.map(lambda s: s[:8])),
                                     max_size=40).map("".join))

FIELD_NAMES = sorted({"id", "title", "author", "date", "language", "brand", "events", "slides", "kind", "items",
                      "text", "file", "alt", "people", "name", "photo", "figures", "value", "label", "one",
                      "other", "dates", "recurrence", "start", "end", "links", "url", "channels",
                      "handles", "paragraphs", "notes", "hashtag", "country", "show", "keywords"})
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT.map(lambda s: s[:20]), st.dates(),
                    st.sampled_from(["", "#tag", "http://x.org", "13:00", "2010-08-06", "x.png", "../x.png",
                                     "/etc/hostname", "pic\0.png", "GB", "@h", *SLIDE_KINDS]))
keys = st.one_of(st.sampled_from(FIELD_NAMES), TEXT.map(lambda s: s[:8]))


def _nested(inner: st.SearchStrategy) -> st.SearchStrategy:
    # a named function, not a lambda: hypothesis (6.170.27) reads a lambda's source to check that it
    # uses its argument, and misreads one that shares its line with other code
    return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5)


values = st.recursive(scalars, _nested, max_leaves=25)
slide = st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=6).flatmap(
    lambda d: st.sampled_from([*SLIDE_KINDS, "nope"]).map(lambda kind: {"kind": kind, **d}))
deck_data = st.fixed_dictionaries(
    {"id": st.sampled_from(["t", "T", "", "a b"]), "title": scalars, "author": scalars, "date": scalars},
    optional={"slides": st.lists(slide, max_size=4) | values, "events": values, "language": scalars,
              "brand": scalars, "extra": values})


def _dump(data: object) -> str:
    buf = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(data, buf)
    return buf.getvalue()


def _load_property(folder: Path, data: bytes) -> None:
    (folder / "deck.yaml").write_bytes(data)
    try:
        loaded = load_deck(folder)
    except DeckgenError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return
    assert isinstance(loaded, LoadedDeck)


@pytest.fixture
def deck_folder(project: Path) -> Path:
    folder = project / "decks" / "prop"
    folder.mkdir(parents=True)
    (folder / "x.png").write_bytes(png((8, 8)))
    return folder


@PROPERTIES
@given(text=yaml_text)
def test_loader_on_arbitrary_text_returns_a_deck_or_a_deckgen_error(deck_folder: Path, text: str) -> None:
    _load_property(deck_folder, text.encode("utf-8"))


@PROPERTIES
@given(data=st.binary(max_size=200))
def test_loader_on_arbitrary_bytes_returns_a_deck_or_a_deckgen_error(deck_folder: Path, data: bytes) -> None:
    _load_property(deck_folder, data)


@PROPERTIES
@given(data=deck_data)
def test_loader_on_arbitrary_deck_structures_returns_a_deck_or_a_deckgen_error(deck_folder: Path,
                                                                               data: dict) -> None:
    _load_property(deck_folder, _dump(data).encode("utf-8"))


PO_BITS = ['msgid ""\n', 'msgstr ""\n', 'msgctxt "s.title"\n', 'msgid "Hello"\n', 'msgstr "Bonjour"\n',
           'msgid_plural "Hellos"\n', 'msgstr[0] "a"\n', 'msgstr[1] "b"\n', 'msgstr[9] "c"\n', '"continued"\n',
           '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', '"Plural-Forms: nplurals=3; plural=n;\\n"\n',
           '"Plural-Forms: nplurals=x; plural=;\\n"\n', '"Content-Type: text/plain; charset=latin-1\\n"\n',
           '"Language: zz_ZZ\\n"\n', '#, fuzzy\n', '#, python-format\n', '#| msgid "old"\n', '#~ msgid "gone"\n',
           '#~ msgstr "parti"\n', '#: deck.yaml:3\n', '# comment\n', '\n', '"', '\\', '\\n', '\\"', '%(n)s', '**']
po_text = st.one_of(TEXT, st.lists(st.one_of(st.sampled_from(PO_BITS), TEXT.map(lambda s: s[:8])),
                                   max_size=30).map("".join))


def _catalog_property(po: Path) -> None:
    try:
        catalog = read_catalog(po, "fr")
    except DeckgenError as exc:
        assert exc.problems
        return
    problems = check_catalog(catalog, po)
    assert all(str(p) for p in problems)
    translator = CatalogTranslator(catalog, po, "fr")
    for msg in catalog:
        if not msg.id:
            continue
        ctx = msg.context or ""
        if isinstance(msg.id, tuple):
            for n in (0, 1, 2, 5):
                assert isinstance(translator.npgettext(ctx, msg.id[0], msg.id[1], n), str)
        else:
            assert isinstance(translator.pgettext(ctx, msg.id), str)


@pytest.fixture
def po_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "deck.po"


@PROPERTIES
@given(text=po_text)
def test_catalog_on_arbitrary_text_is_a_catalog_or_a_translation_error(po_file: Path, text: str) -> None:
    po_file.write_text(text, encoding="utf-8")
    _catalog_property(po_file)


SOURCES = ["Hello", "%(count)s people", "**Bold** and *italic*", "see [the wiki](https://example.org/)",
           "1^st^ anniversary", "#hcsmeu on Twitter", "<b>not html</b>", "{{ 7*7 }}"]


@PROPERTIES
@given(strings=st.lists(TEXT, min_size=len(SOURCES), max_size=len(SOURCES)),
       plural=st.lists(TEXT, min_size=0, max_size=4),
       header=st.sampled_from(["nplurals=2; plural=(n > 1);", "nplurals=1; plural=0;",
                               "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"]))
def test_catalog_with_arbitrary_translations_is_checked_never_crashes(po_file: Path, strings: list[str],
                                                                      plural: list[str], header: str) -> None:
    catalog = Catalog(locale="fr")
    catalog.mime_headers = [("Content-Type", "text/plain; charset=utf-8"), ("Plural-Forms", header)]
    for i, (source, string) in enumerate(zip(SOURCES, strings)):
        catalog.add(source, string, context=f"s{i}.title")
    catalog.add(("tweetup", "tweetups"), tuple(plural) or ("",), context="f.figures.label")
    with po_file.open("wb") as fh:
        write_po(fh, catalog)
    _catalog_property(po_file)


# ==================================================================================================
# 8. The hostile review of issue 12: twenty findings (B1–B20), one row each, through the real command
# ==================================================================================================
#
# Every row runs the installed ``deckgen`` program as a subprocess, with its default PDF workers
# (no -j 1), a private TMPDIR and a ``sitecustomize`` that records every file the processes of
# the command (main, fork server, workers) open under a watched folder. Each row checks the exit
# code, the located message, that no traceback is printed, that the temporary folder is left
# empty and that no watched file (outside the project) was opened.

DECKGEN = Path(sys.executable).with_name("deckgen")

_SITECUSTOMIZE = r'''
"""Imported by every Python process of a test run of deckgen: records opens, injects kills."""
import os
import signal
import sys

_LOG = os.environ.get("DECKGEN_TEST_OPENS")
_WATCH = tuple(w for w in os.environ.get("DECKGEN_TEST_WATCH", "").split(os.pathsep) if w)


def _audit(event, args):
    if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    try:
        path = os.path.realpath(os.fsdecode(args[0]))
        if any(path == w or path.startswith(w.rstrip(os.sep) + os.sep) for w in _WATCH):
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(path + "\n")
    except Exception:
        pass


if _LOG and _WATCH:
    sys.addaudithook(_audit)

# DECKGEN_TEST_KILL=rename:N (or stage:N): SIGKILL the process right after the N-th output is
# renamed into place (or staged), as a power cut or the OOM killer would
_KILL = os.environ.get("DECKGEN_TEST_KILL", "")
if _KILL:
    _when, _n = _KILL.split(":")
    _count = [0]

    def _maybe_kill(path):
        if str(path).endswith((".pptx", ".pdf", ".pptx.tmp", ".pdf.tmp")) or ".pptx." in str(path) \
                or ".pdf." in str(path):
            _count[0] += 1
            if _count[0] >= int(_n):
                os.kill(os.getpid(), signal.SIGKILL)

    if _when == "rename":
        _replace = os.replace

        def replace(src, dst, *args, **kwargs):
            _replace(src, dst, *args, **kwargs)
            if not str(dst).endswith(".tmp"):
                _maybe_kill(dst)

        os.replace = replace
    else:
        _chmod = os.chmod

        def chmod(path, mode, *args, **kwargs):
            _chmod(path, mode, *args, **kwargs)
            _maybe_kill(path)

        os.chmod = chmod
'''


@dataclass
class Ran:
    """What one run of the real ``deckgen`` command did."""

    code: int
    out: str
    err: str
    opened: list[str]  # watched files it opened
    left: list[str]  # what it left in its private temporary folder
    maxrss_mib: float = 0.0  # the most memory the command's processes used

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def real(tmp_path: Path, project: Path) -> Iterator[Callable[..., Ran]]:
    """``real(*args, watch=[folders], env={...})``: run ``deckgen ARGS`` in the project, as a user does."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    temporaries: list[Path] = []

    def run(*args: str | Path, watch: tuple[Path, ...] = (), env: dict[str, str] | None = None,
            timeout: float = 300) -> Ran:
        # a short private TMPDIR: the fork server's socket path must fit in 108 bytes
        tmp = Path(tempfile.mkdtemp(prefix="dgt-"))
        temporaries.append(tmp)
        log = tmp_path / f"opened-{len(temporaries)}.log"
        environ = {**os.environ, "TMPDIR": str(tmp), "DECKGEN_TEST_OPENS": str(log),
                   "PYTHONPATH": os.pathsep.join([str(hooks), *filter(None, [os.environ.get("PYTHONPATH")])]),
                   "DECKGEN_TEST_WATCH": os.pathsep.join(os.path.realpath(w) for w in watch), **(env or {})}
        with open(tmp_path / "stdout", "w+b") as out, open(tmp_path / "stderr", "w+b") as err:
            proc = subprocess.Popen([str(DECKGEN), *map(str, args)], cwd=project, env=environ, stdout=out,
                                    stderr=err)
            with deadline(timeout, f"deckgen {' '.join(map(str, args))}"):
                _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        opened = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return Ran(proc.returncode, stdout, stderr, opened, sorted(os.listdir(tmp)), usage.ru_maxrss / 1024)

    yield run
    for tmp in temporaries:
        shutil.rmtree(tmp, ignore_errors=True)


def assert_real_error(ran: Ran, pattern: str) -> None:
    """A clean failure of the real command: exit 1, a located ``Error:`` line, no traceback, no leftovers."""
    assert "Traceback" not in ran.text and "Exception ignored" not in ran.text, ran.text
    assert ran.code == 1, ran.text
    assert re.search(pattern, ran.err), f"{pattern!r} not in:\n{ran.err}"
    assert ran.left == [], f"left in the temporary folder: {ran.left}"


def assert_real_ok(ran: Ran) -> None:
    assert "Traceback" not in ran.text and "Exception ignored" not in ran.text, ran.text
    assert ran.code == 0, ran.text
    assert ran.left == [], f"left in the temporary folder: {ran.left}"


REVIEW_DECK = deck_yaml("""\
    - id: s
      kind: bullets
      title: Hello
      items:
        - A think tank
        - "%(count)s people"
        - see [the wiki](https://example.org/wiki)
    - id: f
      kind: figures
      title: Figures
      figures:
        - value: 1500
          plus: true
          label: {one: tweetup, other: tweetups}
    - id: when
      kind: schedule
      title: When
      events: [monthly, party]
    """, title="Hostile review", extra="""\
events:
  - id: monthly
    title: Tweetup
    recurrence: {weekday: thursday, ordinal: 1, first: 2010-09-02, count: 6}
    start: "20:00"
    end: "21:00"
    timezone: Europe/Paris
  - id: party
    title: Party
    dates:
      - {date: 2010-08-06, today: true}
""")


SOURCE_PACKAGE = Path(deckgen.__file__).parent


def review_po(project: Path, deck: Path, strings: dict[str, str] | None = None, locale: str = "fr") -> Path:
    """A complete *locale* catalog of the review deck, with two plural forms (``n > 1``): every text
    "translated" as itself, except those of *strings*, keyed by msgid or, for deckgen's own
    phrases, by msgctxt (``schedule.today``)."""
    run_cli_ok("i18n", "init", deck, locale)
    po = project / deck / "locales" / locale / "LC_MESSAGES" / "deck.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    wanted = dict(strings or {})
    for msg in catalog:
        if not msg.id:
            continue
        if isinstance(msg.id, tuple):
            msg.string = msg.id
        else:
            msg.string = wanted.pop(msg.id, wanted.pop(msg.context or "", msg.id))
    # deckgen's own phrases are not in a deck's catalog: a translator overrides one by adding
    # its entry (docs/languages.md), with the msgctxt and msgid of the package's template
    with (SOURCE_PACKAGE / "locale" / "deckgen.pot").open("rb") as fh:
        phrases = {m.context: m for m in read_po(fh) if m.context}
    for context, string in wanted.items():
        assert context in phrases, f"{context!r} is neither a text of the review deck nor a phrase"
        catalog.add(phrases[context].id, string, context=context, flags=phrases[context].flags)
    catalog.mime_headers = [(k, "nplurals=2; plural=(n > 1);" if k == "Plural-Forms" else v)
                            for k, v in catalog.mime_headers]
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    return po


def _plural_header(rule: str) -> Callable[[Path], None]:
    """An edit of a catalog: its Plural-Forms header becomes *rule*."""
    def change(po: Path) -> None:
        text = po.read_text(encoding="utf-8")
        text, found = re.subn(r'"Plural-Forms: [^\n]*\n(?:"[^\n]*\n)*?(?="MIME-Version)',
                              lambda m: f'"Plural-Forms: {rule}\\n"\n', text, count=1)
        assert found == 1
        po.write_text(text, encoding="utf-8")
    return change


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace *old* by *new* in the text file *path* (it must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def po_line(po: Path, snippet: str) -> int:
    return line_of(po.read_text(encoding="utf-8"), snippet)


# --- B7–B11, B13, B14, B16 and more: nothing outside the project is read or written ------------------

PO_FR = "decks/t/locales/fr/LC_MESSAGES/deck\\.po"


def _secret_catalog(p: Path, o: Path, deck: Path) -> str:
    po = p / deck / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
    po.parent.mkdir(parents=True)
    po.symlink_to(o / "secret.txt")
    return "secret.txt"


def _moved_out(p: Path, o: Path, inside: Path, name: str) -> None:
    """Move *inside* (a file or folder of the project) to ``outside/<name>`` and leave a link to it."""
    shutil.move(p / inside, o / name)
    (p / inside).symlink_to(o / name, target_is_directory=(o / name).is_dir())


def _evil_brand_yaml(p: Path, extra: str) -> Path:
    folder = p / "assets" / "brands" / "evil"
    folder.mkdir(exist_ok=True)
    (folder / "brand.yaml").write_text(f"extends: hcsmeu\nname: Evil\n{extra}", encoding="utf-8")
    return folder / "brand.yaml"


def _case_b7(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    _secret_catalog(p, o, deck)
    return (("build", deck, "-l", "fr", "--out", "out"),
            rf"{PO_FR}: {PO_FR} is a symbolic link to \S*secret\.txt, outside the deck folder \(decks/t\)")


def _case_b7_stats(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    run_cli_ok("i18n", "extract", deck)
    _secret_catalog(p, o, deck)
    return ("i18n", "stats", deck), rf"{PO_FR} is a symbolic link to \S*secret\.txt"


def _case_b7_announce(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    _secret_catalog(p, o, deck)
    return (("announce", deck, "-l", "fr", "--next", "2010-08-01", "--out", "out"),
            rf"{PO_FR} is a symbolic link to \S*secret\.txt")


def _case_b7_after_a_build(p: Path, o: Path) -> tuple[tuple, str]:
    """The quick up-to-date check hashes the catalog: it must not read the link's target either."""
    deck = write(p, REVIEW_DECK)
    po = review_po(p, deck)
    run_cli_ok("build", deck, "-l", "fr", "-f", "pptx", "--out", "out")
    shutil.rmtree(p / "out" / "t")  # what the test checks: nothing is written again
    po.unlink()
    po.symlink_to(o / "secret.txt")
    return ("build", deck, "-l", "fr", "-f", "pptx", "--out", "out"), rf"{PO_FR} is a symbolic link to \S*secret\.txt"


def _case_b11_after_a_build(p: Path, o: Path) -> tuple[tuple, str]:
    """The same for a deck folder that became a link after its last build."""
    deck = write(p, REVIEW_DECK)
    run_cli_ok("build", deck, "-f", "pptx", "--out", "out")
    shutil.rmtree(p / "out" / "t")
    _moved_out(p, o, deck, "deck")
    return ("build", deck, "-f", "pptx", "--out", "out"), r"decks/t is a symbolic link to \S*outside/deck"


def _case_b8(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    review_po(p, deck)
    _moved_out(p, o, deck / "locales" / "fr", "fr")
    return (("build", deck, "-l", "fr", "--out", "out"),
            r"decks/t/locales/fr is a symbolic link to \S*outside/fr, outside the deck folder")


def _case_b9(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    review_po(p, deck)
    _moved_out(p, o, deck / "locales", "locales")
    return ("i18n", "update", deck), r"decks/t/locales is a symbolic link to \S*outside/locales, outside the deck"


def _case_b9_build(p: Path, o: Path) -> tuple[tuple, str]:
    args, _ = _case_b9(p, o)
    return ("build", "decks/t", "-l", "fr", "--out", "out"), r"decks/t/locales is a symbolic link"


def _case_b9_extract(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    run_cli_ok("i18n", "extract", deck)
    _moved_out(p, o, deck / "locales" / "deck.pot", "deck.pot")
    return ("i18n", "extract", deck), r"decks/t/locales/deck\.pot is a symbolic link to \S*outside/deck\.pot"


def _case_b9_init(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    (o / "locales").mkdir()
    (p / deck / "locales").symlink_to(o / "locales", target_is_directory=True)
    return ("i18n", "init", deck, "de"), r"decks/t/locales is a symbolic link to \S*outside/locales"


def _case_b10(p: Path, o: Path) -> tuple[tuple, str]:
    deck = Path("decks") / "t"
    (p / deck).mkdir(parents=True)
    (p / deck / "deck.yaml").symlink_to(o / "secret.txt")
    return (("build", deck, "--out", "out"),
            r"decks/t/deck\.yaml: decks/t/deck\.yaml is a symbolic link to \S*secret\.txt, outside the deck folder")


def _case_b11(p: Path, o: Path) -> tuple[tuple, str]:
    (o / "deck").mkdir()
    (o / "deck" / "deck.yaml").write_text(REVIEW_DECK, encoding="utf-8")
    (p / "decks" / "t").symlink_to(o / "deck", target_is_directory=True)
    return ("build", "--out", "out"), r"decks/t is a symbolic link to \S*outside/deck, outside the project"


def _case_b11_named(p: Path, o: Path) -> tuple[tuple, str]:
    _case_b11(p, o)
    return ("build", "decks/t", "--out", "out"), r"decks/t is a symbolic link to \S*outside/deck"


def _case_b13(p: Path, o: Path) -> tuple[tuple, str]:
    brand = _evil_brand_yaml(p, "fonts:\n  body:\n    family: Evil\n    regular: ../../../outside/secret.txt\n")
    deck = write(p, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    return (("build", deck, "--out", "out"),
            rf"assets/brands/evil/brand\.yaml:{line_of(brand.read_text(), 'regular:')}:\d+: font file "
            r"'\.\./\.\./\.\./outside/secret\.txt': \S*secret\.txt leads to \S*secret\.txt, outside the project")


def _case_b13_link(p: Path, o: Path) -> tuple[tuple, str]:
    shutil.copy(p / "assets" / "fonts" / "noto" / "NotoSans-Regular.ttf", o / "font.ttf")
    (p / "assets" / "fonts" / "evil.ttf").symlink_to(o / "font.ttf")
    _evil_brand_yaml(p, "fonts:\n  body:\n    family: Evil\n    regular: evil.ttf\n")
    deck = write(p, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    return (("build", deck, "--out", "out"),
            r"brand\.yaml:\d+:\d+: font file 'evil\.ttf': assets/fonts/evil\.ttf is a symbolic link to \S*font\.ttf")


def _case_b13_not_a_font(p: Path, o: Path) -> tuple[tuple, str]:
    (p / "assets" / "fonts" / "evil.ttf").write_bytes(b"not a font\n" * 100)
    _evil_brand_yaml(p, "fonts:\n  body:\n    family: Evil\n    regular: evil.ttf\n")
    deck = write(p, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    return ("build", deck, "--out", "out"), r"brand\.yaml:\d+:\d+: font file 'evil\.ttf' is not a TrueType"


def _case_b14(p: Path, o: Path) -> tuple[tuple, str]:
    brand = _evil_brand_yaml(p, f"logo: {{png: {o / 'secret.png'}}}\n")
    deck = write(p, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    return (("build", deck, "--out", "out"),
            rf"assets/brands/evil/brand\.yaml:{line_of(brand.read_text(), 'logo:')}:\d+: logo\.png: "
            r"\S*secret\.png leads to \S*secret\.png, outside the project")


def _case_brand_yaml_link(p: Path, o: Path) -> tuple[tuple, str]:
    (p / "assets" / "brands" / "evil").mkdir()
    (o / "brand.yaml").write_text("extends: hcsmeu\nname: Evil\n", encoding="utf-8")
    (p / "assets" / "brands" / "evil" / "brand.yaml").symlink_to(o / "brand.yaml")
    deck = write(p, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    return (("build", deck, "--out", "out"),
            r"assets/brands/evil/brand\.yaml is a symbolic link to \S*outside/brand\.yaml, outside the project")


def _case_template_link(p: Path, o: Path) -> tuple[tuple, str]:
    shutil.copy(p / "assets" / "brands" / "ch" / "template.pptx", o / "template.pptx")
    brand = _evil_brand_yaml(p, "template: {file: template.pptx}\n")
    (brand.parent / "template.pptx").symlink_to(o / "template.pptx")
    deck = write(p, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    return (("build", deck, "--out", "out"),
            r"brand\.yaml:\d+:\d+: template\.file: assets/brands/evil/template\.pptx is a symbolic link")


def _case_b16(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    layouts = p / deck / "layouts"
    layouts.mkdir()
    slide = (PACKAGE_LAYOUTS / "slide.html.j2").read_text(encoding="utf-8")
    (layouts / "slide.html.j2").write_text(slide.replace("</section>", '{% include "notes.j2" %}</section>', 1),
                                           encoding="utf-8")
    (layouts / "notes.j2").symlink_to(o / "secret.txt")
    return (("build", deck, "--format", "pdf", "--out", "out"),
            r"decks/t/layouts/notes\.j2 is a symbolic link to \S*secret\.txt, outside the layout folder")


def _case_b16_folder(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    (o / "layouts").mkdir()
    (o / "layouts" / "slide.html.j2").write_text("SECRET {{ 1 }}", encoding="utf-8")
    (p / deck / "layouts").symlink_to(o / "layouts", target_is_directory=True)
    return (("build", deck, "--format", "pdf", "--out", "out"),
            r"decks/t/layouts is a symbolic link to \S*outside/layouts, outside the deck folder")


def _case_project_layouts(p: Path, o: Path) -> tuple[tuple, str]:
    deck = write(p, REVIEW_DECK)
    shutil.rmtree(p / "layouts", ignore_errors=True)
    (o / "layouts").mkdir()
    (o / "layouts" / "slide.html.j2").write_text("SECRET {{ 1 }}", encoding="utf-8")
    (p / "layouts").symlink_to(o / "layouts", target_is_directory=True)
    return (("build", deck, "--format", "pdf", "--out", "out"),
            r"layouts is a symbolic link to \S*outside/layouts, outside the project")


OUTSIDE_CASES = [
    ("B7-catalog-link", _case_b7),
    ("B7-stats", _case_b7_stats),
    ("B7-announce", _case_b7_announce),
    ("B7-after-a-build", _case_b7_after_a_build),
    ("B8-locale-folder-link", _case_b8),
    ("B9-update-through-linked-locales", _case_b9),
    ("B9-build-through-linked-locales", _case_b9_build),
    ("B9-extract-to-a-linked-template", _case_b9_extract),
    ("B9-init-into-linked-locales", _case_b9_init),
    ("B10-deck-file-link", _case_b10),
    ("B11-deck-folder-link", _case_b11),
    ("B11-deck-folder-link-named", _case_b11_named),
    ("B11-after-a-build", _case_b11_after_a_build),
    ("B13-font-path-climbs-out", _case_b13),
    ("B13-font-link", _case_b13_link),
    ("B13-not-a-font", _case_b13_not_a_font),
    ("B14-logo-absolute-path", _case_b14),
    ("brand-file-link", _case_brand_yaml_link),
    ("brand-template-link", _case_template_link),
    ("B16-layout-includes-a-link", _case_b16),
    ("B16-deck-layouts-folder-link", _case_b16_folder),
    ("project-layouts-folder-link", _case_project_layouts),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, case", table(OUTSIDE_CASES))
def test_hostile_review_files_outside_the_project_are_refused_unread(
        project: Path, outside: Path, real: Callable[..., Ran], name: str,
        case: Callable[[Path, Path], tuple[tuple, str]]) -> None:
    """Rule: no path, linked or not, that resolves outside the deck folder / the project is read or written."""
    args, pattern = case(project, outside)
    before = snapshot(outside)
    ran = real(*args, watch=(outside, Path("/etc/passwd")))
    assert_real_error(ran, pattern)
    assert ran.opened == [], f"read or written outside the project: {ran.opened}"
    assert "SECRET" not in ran.text
    assert snapshot(outside) == before
    assert not [p for p in (project / "out").rglob("*") if p.suffix in (".pptx", ".pdf")]


# --- B1–B6 and more: what a translator can do ---------------------------------------------------------

def _header(old: str, new: str) -> Callable[[Path], None]:
    return lambda po: edit(po, old, new)


def _literal(*shown: str) -> Callable[[Path], None]:
    """The build succeeds and the PPTX and the PDF show each of *shown* as typed."""
    def check(project: Path) -> None:
        pptx, pdf = outputs(project, "fr")
        for text in shown:
            assert squash(text) in squash(pptx_text(pptx)), pptx_text(pptx)
            assert squash(text) in squash(pdf_text(pdf)), pdf_text(pdf)
        assert "{'" not in pptx_text(pptx)  # the phrase's values are never formatted into it as a dict
    return check


TRANSLATOR_CASES = [
    # B1: deckgen's own phrases are checked like deck messages: placeholders and their types
    ("B1-placeholder-type", {"footer.page": "%(number)d / %(total)s"}, None,
     r"deck\.po:{line}: placeholders of the translation of '%\(number\)s / %\(total\)s' differ "
     r"from the source \(expected: %\(number\)s, %\(total\)s\) as it has %\(number\)d, %\(total\)s"),
    ("B1-literal-percent", {"schedule.today": "%(date)s — 100% **%(today)s !**"}, None, _literal("100%")),
    ("B1-percent-at-the-end", {"schedule.today": "%(date)s — **%(today)s** à 100%"}, None, _literal("à 100%")),
    ("B1-jinja-syntax", {"schedule.today": "%(date)s {%- if x %}{{ x }}{% endif %} **%(today)s**"}, None,
     _literal("{%- if x %}{{ x }}{% endif %}")),
    ("B1-broken-placeholder", {"footer.page": "%(number)s / %(total"}, None,
     r"deck\.po:{line}: placeholders .* as it has .*%\(total"),
    ("B1-unknown-placeholder", {"footer.page": "%(number)s / %(total)s %(secret)s"}, None,
     r"deck\.po:{line}: placeholders .* as it has %\(number\)s, %\(secret\)s, %\(total\)s"),
    # B2: the plural rule is evaluated safely for every count the deck shows
    ("B2-plural-divides-by-zero-at-1500", None, _plural_header("nplurals=2; plural=(n > 1000 ? n/0 : n > 1);"),
     r"deck\.po:{header}: the Plural-Forms header cannot be used for this deck: it divides by zero for n = 1500"),
    ("plural-nests-deep", None, _plural_header("nplurals=2; plural=" + "(" * 200 + "n > 1" + ")" * 200 + ";"),
     r"deck\.po:{header}: the Plural-Forms header is not valid: .*nests more than"),
    ("plural-python-code", None, _plural_header("nplurals=2; plural=__import__('os').getpid();"),
     r"deck\.po:{header}: the Plural-Forms header is not valid: .*unexpected '__import__"),
    ("plural-count-not-a-number", None, _plural_header("nplurals=x; plural=n > 1;"),
     r"deck\.po:{header}: the Plural-Forms header is not valid: nplurals=x is not a number"),
    # B3, B4: the catalog is read as UTF-8, and its header must say so
    ("B3-unknown-charset", None, _header("charset=utf-8", "charset=x-evil"),
     r"deck\.po:{content}: the Content-Type header says charset=x-evil, .*save the file as UTF-8 and set "
     r"charset=UTF-8"),
    ("B4-wrong-charset", {"s.title": "Múltiple"}, _header("charset=utf-8", "charset=latin-1"),
     r"deck\.po:{content}: the Content-Type header says charset=latin-1"),
    # B6: a translation may only carry the links its source has
    ("B6-bare-address", {"A think tank": "un think-tank http://evil.example/login"}, None,
     r"deck\.po:{line}: the translation of 'A think tank' links to http://evil\.example/login, which the "
     r"source does not"),
    ("www-address", {"A think tank": "un think-tank www.evil.example"}, None,
     r"the translation of 'A think tank' (has different inline markup|links to https://www\.evil\.example)"),
    ("e-mail-address", {"A think tank": "écrivez à evil@evil.example"}, None, r"links to mailto:evil@evil\.example"),
    ("autolink", {"A think tank": "un think-tank <https://evil.example/>"}, None,
     r"links to https://evil\.example/"),
    ("changed-link-target",
     {"see [the wiki](https://example.org/wiki)": "voir [le wiki](https://evil.example/wiki)"}, None,
     r"the translation of 'see \[the wiki\]\(https://example\.org/wiki\)' links to https://evil\.example/wiki"),
    ("added-handle", {"s.title": "Bonjour @evil"}, None, r"links to https://twitter\.com/evil"),
    ("added-hashtag", {"s.title": "Bonjour #evil"}, None, r"links to https://twitter\.com/hashtag/evil"),
    ("link-in-a-phrase", {"schedule.today": "%(date)s — **%(today)s** https://evil.example"}, None,
     r"the translation of '%\(date\)s — \*\*%\(today\)s!\*\*' links to https://evil\.example"),
]


def _review_catalog(project: Path, strings: dict[str, str] | None,
                    change: Callable[[Path], None] | None) -> tuple[Path, Path]:
    deck = write(project, REVIEW_DECK)
    po = review_po(project, deck, strings)
    if change is not None:
        change(po)
    return deck, po


@pytest.mark.slow
@pytest.mark.parametrize("name, strings, change, expect", table(TRANSLATOR_CASES))
def test_hostile_review_translations_are_checked_or_shown_literally(
        project: Path, real: Callable[..., Ran], name: str, strings: dict[str, str] | None,
        change: Callable[[Path], None] | None, expect: str | Callable[[Path], None]) -> None:
    deck, po = _review_catalog(project, strings, change)
    ran = real("build", deck, "-l", "fr", "--out", "out")
    if callable(expect):
        assert_real_ok(ran)
        expect(project)
        return
    text = po.read_text(encoding="utf-8")
    key = next(iter(strings)) if strings else None
    entry = (0 if key is None else po_line(po, f"msgctxt {q(key)}") if f"msgctxt {q(key)}" in text
             else po_line(po, f"msgid {q(key)}") - 1)  # the msgctxt, msgid or msgstr line
    where = {"line": f"({entry}|{entry + 1}|{entry + 2})",
             "header": str(line_of(text, '"Plural-Forms:')),
             "content": str(line_of(text, '"Content-Type:'))}
    if expect.startswith(r"deck\.po:"):
        expect = PO_FR + expect.removeprefix(r"deck\.po").format(**where)
    assert_real_error(ran, expect)
    assert not (project / "out").exists()


def test_hostile_review_fuzzy_translations_used_with_fuzzy_are_checked(project: Path,
                                                                       real: Callable[..., Ran]) -> None:
    """``--fuzzy`` uses unreviewed translations: they get the same checks (a link is still refused)."""
    deck, po = _review_catalog(project, {"A think tank": "un think-tank http://evil.example/"}, None)
    edit(po, 'msgctxt "s.items.text"\nmsgid "A think tank"', '#, fuzzy\nmsgctxt "s.items.text"\nmsgid "A think tank"')
    assert_real_ok(real("build", deck, "-l", "fr", "--format", "pptx", "--out", "out"))  # not used: fine
    ran = real("build", deck, "-l", "fr", "--fuzzy", "--format", "pptx", "--out", "out2")
    assert_real_error(ran, rf"{PO_FR}:\d+: the translation of 'A think tank' links to http://evil\.example/")


@pytest.mark.slow
@pytest.mark.parametrize("folder, hint", [("zz_ZZ", r"; did you mean '\w+'\?|"), ("pt-BR", "; did you mean 'pt_BR'?"),
                                          ("french", "")])
def test_hostile_review_b5_a_locale_folder_babel_does_not_know_is_a_located_error(
        project: Path, real: Callable[..., Ran], folder: str, hint: str) -> None:
    deck, po = _review_catalog(project, None, None)
    (po.parent.parent).rename(po.parent.parent.with_name(folder))
    ran = real("build", deck, "--out", "out")
    assert_real_error(ran, rf"decks/t/locales/{folder}: '{folder}' is not a locale code({re.escape(hint)}|{hint})")
    assert "(fr, de, el)" in ran.err and "(pt_BR, fr_CH)" in ran.err


@pytest.mark.slow
@pytest.mark.parametrize("name, make, pattern", table([
    ("utf-8-bom", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), None),
    ("utf-16", lambda text: text.encode("utf-16"), r"deck\.po: not UTF-8 text \(byte 0\); save the catalog as UTF-8"),
    ("huge", lambda text: text.encode("utf-8") + b"# padding\n" * 1_100_000, r"deck\.po: the catalog is larger than"),
]))
def test_hostile_review_catalog_encodings_and_sizes(project: Path, real: Callable[..., Ran], name: str,
                                                    make: Callable[[str], bytes], pattern: str | None) -> None:
    deck, po = _review_catalog(project, None, None)
    po.write_bytes(make(po.read_text(encoding="utf-8")))
    ran = real("build", deck, "-l", "fr", "--format", "pptx", "--out", "out")
    if pattern is None:
        assert_real_ok(ran)
    else:
        assert_real_error(ran, PO_FR + pattern.removeprefix(r"deck\.po"))


# --- B12: numbers in the model ---------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("value", ["1e25", "-1e25", ".nan", ".inf", "-.inf", "100000000000000000000000000"])
def test_hostile_review_b12_a_figure_out_of_range_is_a_located_error(project: Path, real: Callable[..., Ran],
                                                                     value: str) -> None:
    text = REVIEW_DECK.replace("- value: 1500", f"- value: {value}")
    ran = real("build", write(project, text), "--out", "out")
    assert_real_error(ran, rf"decks/t/deck\.yaml:{line_of(text, '- value:')}:\d+: slide f: 'value': input should "
                           r"be (a finite number|(less|greater) than or equal to -?1000000000000000)")


# --- B15: a chapter's template.pptx is bounded, and only what a presentation needs is copied -----------

@lru_cache(maxsize=1)
def _zip_bomb_member() -> tuple[bytes, int]:
    """A raw DEFLATE stream of 1 GiB of zeros (about 1 MB) and its CRC."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block, crc = bytes(2**20), 0
    chunks = []
    for _ in range(1024):
        chunks.append(packer.compress(block))
        crc = zlib.crc32(block, crc)
    chunks.append(packer.flush())
    return b"".join(chunks), crc


def _template_with(source: Path, target: Path, extra: dict[str, bytes] | None = None, bomb: str | None = None,
                   rels: str = "") -> None:
    """Copy the .pptx *source* to *target*, adding *extra* members, a 1 GiB *bomb* member and package
    relationships (*rels*, XML elements added to ``_rels/.rels``)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "_rels/.rels" and rels:
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/octet-stream"/>'
                                    b'<Override PartName="/customXml/item1.xml" ContentType="application/xml"/>'
                                    b"</Types>")
            zout.writestr(info, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    if bomb is not None:  # appended by hand: zipfile would really compress 1 GiB
        data, crc = _zip_bomb_member()
        _append_stored_deflate(target, bomb, data, crc, 2**30)


def _append_stored_deflate(path: Path, name: str, data: bytes, crc: int, size: int) -> None:
    """Add a member whose DEFLATE *data* expands to *size* bytes, rewriting the central directory."""
    with zipfile.ZipFile(path, "a") as z:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, b"")  # a placeholder entry, replaced below
    raw = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        infos = z.infolist()
    last = infos[-1]
    start = last.header_offset
    fname = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(fname), 0)
    body = raw[:start] + local + fname + data
    central = b""
    for info in infos[:-1]:
        central += _central_entry(info)
    central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                           len(fname), 0, 0, 0, 0, 0o644 << 16, start) + fname
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(infos), len(infos), len(central), len(body), 0)
    path.write_bytes(body + central + end)


def _central_entry(info: zipfile.ZipInfo) -> bytes:
    name = info.filename.encode()
    dt = info.date_time
    dos_time = dt[3] << 11 | dt[4] << 5 | dt[5] // 2
    dos_date = (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2]
    return struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, info.flag_bits, info.compress_type, dos_time,
                       dos_date, info.CRC, info.compress_size, info.file_size, len(name), 0, 0, 0, 0,
                       info.external_attr, info.header_offset) + name


def _chapter_with_template(project: Path, **template: object) -> Path:
    folder = project / "assets" / "brands" / "evil"
    folder.mkdir()
    _template_with(project / "assets" / "brands" / "ch" / "template.pptx", folder / "template.pptx",
                   **template)  # type: ignore[arg-type]
    (folder / "brand.yaml").write_text("extends: ch\nname: Evil\ntemplate:\n  file: template.pptx\n  layouts:\n"
                                       "    title: Diapositive de titre\n    section: En-tête de section\n"
                                       "    default: Titre seul\n", encoding="utf-8")
    return folder / "brand.yaml"


@pytest.mark.slow
def test_hostile_review_b15_a_zip_bomb_template_is_refused_in_bounded_memory(project: Path,
                                                                             real: Callable[..., Ran]) -> None:
    brand = _chapter_with_template(project, bomb="ppt/media/image99.bin")
    assert brand.with_name("template.pptx").stat().st_size < 3 * 2**20
    deck = write(project, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    ran = real("build", deck, "--out", "out")
    assert_real_error(ran, rf"assets/brands/evil/brand\.yaml:{line_of(brand.read_text(), 'file:')}:\d+: the "
                           r"template template\.pptx has a part \(ppt/media/image99\.bin\) that expands to 1024 MiB")
    assert ran.maxrss_mib < 600, f"{ran.maxrss_mib:.0f} MiB of memory"
    assert not (project / "out").exists()


@pytest.mark.slow
def test_hostile_review_b15_only_the_parts_a_presentation_needs_are_copied(project: Path,
                                                                          real: Callable[..., Ran]) -> None:
    """A template's thumbnail, custom XML and stray members never reach the published PPTX."""
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    _chapter_with_template(project, extra={
        "customXml/item1.xml": b"<secret>SECRET-custom-xml</secret>",
        "ppt/media/stray.bin": b"SECRET-stray" * 1000,
    }, rels=f'<Relationship Id="rId90" Type="{ns}/customXml" Target="customXml/item1.xml"/>')
    deck = write(project, REVIEW_DECK.replace("author: A\n", "author: A\nbrand: evil\n"))
    assert_real_ok(real("build", deck, "--format", "pptx", "--out", "out"))
    pptx = project / "out" / "t" / "en" / "t-en.pptx"
    with zipfile.ZipFile(project / "assets" / "brands" / "evil" / "template.pptx") as z:
        theirs = z.read("docProps/thumbnail.jpeg") if "docProps/thumbnail.jpeg" in z.namelist() else None
    with zipfile.ZipFile(pptx) as z:
        names = set(z.namelist())
        blob = b"".join(z.read(n) for n in names)
        ours = z.read("docProps/thumbnail.jpeg")
    assert not {"customXml/item1.xml", "ppt/media/stray.bin"} & names, sorted(names)
    assert b"SECRET" not in blob
    # the thumbnail is the deck's own first slide (docs/accessibility.md), never the template's
    assert theirs is not None and ours != theirs
    with PIL.Image.open(io.BytesIO(ours)) as image:
        assert image.format == "JPEG" and image.width == 256
    prs = Presentation(str(pptx))  # still a presentation on the chapter's layouts
    assert {lay.name for lay in prs.slide_layouts} >= {"Diapositive de titre", "En-tête de section", "Titre seul"}
    assert prs.slides[0].slide_layout.name == "Titre seul"
    assert "Hello" in pptx_text(pptx)


# --- B19: a manifest of the wrong shape ------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("manifest", [
    '{"version": 1, "outputs": [], "decks": {}}',
    '{"version": 1, "outputs": {"t/en/t-en.pptx": 7}, "decks": {}}',
    '{"version": 1, "outputs": {"t/en/t-en.pptx": {"inputs": 5, "sha256": null}}, "decks": {}}',
    '{"version": 1, "outputs": {}, "decks": {"decks/t": "t"}}',
    '{"version": 1, "outputs": {}, "decks": {"x": {"id": 1}}}',
    '[1, 2]',
    '"manifest"',
    '{"version": 1, "outputs": {"t/en/t-en.pptx": {"inputs": "x", "sha256": "y", "warnings": [1]}}}',
])
def test_hostile_review_b19_a_manifest_of_the_wrong_shape_is_ignored_and_everything_rebuilt(
        project: Path, real: Callable[..., Ran], manifest: str) -> None:
    deck = write(project, REVIEW_DECK)
    assert_real_ok(real("build", deck, "--out", "out"))
    (project / "out" / ".deckgen-manifest.json").write_text(manifest, encoding="utf-8")
    ran = real("build", deck, "--out", "out")
    assert_real_ok(ran)
    assert "built 2 files" in ran.out and "Warning: out/.deckgen-manifest.json: the build manifest " in ran.err
    again = real("build", deck, "--out", "out")  # the manifest was written anew
    assert_real_ok(again)
    assert "nothing to do: 2 files up to date" in again.out and again.err == ""


def test_hostile_review_b19_the_warning_names_the_manifest(project: Path, real: Callable[..., Ran]) -> None:
    deck = write(project, REVIEW_DECK)
    (project / "out").mkdir()
    (project / "out" / ".deckgen-manifest.json").write_text('{"version": 1, "outputs": []}', encoding="utf-8")
    ran = real("build", deck, "--format", "pptx", "--strict", "--out", "out")
    assert_real_ok(ran)  # not the deck's fault: a warning even with --strict
    assert re.search(r"Warning: out/\.deckgen-manifest\.json: the build manifest is ignored \('outputs' and "
                     r"'decks' must be mappings\); every output is built again", ran.err), ran.err
    json.loads((project / "out" / ".deckgen-manifest.json").read_text(encoding="utf-8"))["outputs"]["t/en/t-en.pptx"]


# --- B20, B18: the PDF workers stop cleanly, whenever the build ends ---------------------------------

def _processes_of(group: int) -> list[str]:
    """The processes still in process group *group* (a command's forgotten workers)."""
    out = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            out.append(status.parent.name)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("failure", ["deck-error", "catalog-error", "render-error"] * 3)
def test_hostile_review_b20_a_failed_build_with_workers_prints_one_error_and_leaves_nothing(
        project: Path, real: Callable[..., Ran], failure: str) -> None:
    """The real command with its default PDF workers: the error, no worker traceback, an empty temp dir."""
    if failure == "deck-error":  # found while the workers are still starting
        deck = write(project, REVIEW_DECK.replace("kind: schedule", "kind: calendar"))
        pattern = r"deck\.yaml:\d+:\d+: slide when: unknown slide kind 'calendar'"
    elif failure == "catalog-error":
        deck, _ = _review_catalog(project, {"%(count)s people": "%(nombre)s personnes"}, None)
        pattern = rf"{PO_FR}:\d+: placeholders of the translation of '%\(count\)s people' differ"
    else:  # found by a worker, in the middle of rendering
        deck = write(project, REVIEW_DECK)
        (project / deck / "layouts").mkdir()
        (project / deck / "layouts" / "slide.html.j2").write_text("{{ no_such_variable }}", encoding="utf-8")
        pattern = r"slide\.html\.j2"
    ran = real("build", deck, "--out", "out")
    assert_real_error(ran, pattern)
    assert len([line for line in ran.err.splitlines() if line.startswith("Error:")]) == 1, ran.err


def _interrupted_build(project: Path, tmp: Path, delay: float, out: str) -> tuple[int, str, str, list[str]]:
    """Run the real build of the example deck (every locale, default workers) and press Ctrl-C after *delay* s.

    Ctrl-C in a terminal sends SIGINT to the whole foreground process group: so does this.
    """
    environ = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([str(DECKGEN), "build", str(EXAMPLE_DIR), "--out", out], cwd=project, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    with deadline(120, "an interrupted build"):
        stdout, stderr = proc.communicate()
    for _ in range(100):  # the fork server ends once the command has: give it a moment
        if not _processes_of(proc.pid):
            break
        time.sleep(0.05)
    return proc.returncode, stdout, stderr, _processes_of(proc.pid)


@pytest.mark.slow
def test_hostile_review_b18_ctrl_c_at_any_moment_prints_one_line_and_leaves_nothing(project: Path) -> None:
    codes = []
    for i, delay in enumerate([0.15, 0.3, 0.5, 0.8, 1.2, 1.8, 2.5, 3.5]):
        tmp = Path(tempfile.mkdtemp(prefix="dgi-"))
        try:
            code, stdout, stderr, left = _interrupted_build(project, tmp, delay, f"out{i}")
            leftovers = sorted(os.listdir(tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        codes.append(code)
        what = f"Ctrl-C after {delay} s: exit {code}\n{stdout}{stderr}"
        assert "Traceback" not in stderr and "Exception" not in stderr, what
        assert leftovers == [], f"{what}\nleft in the temporary folder: {leftovers}"
        assert left == [], f"{what}\nprocesses left running: {left}"
        out = project / f"out{i}"
        if code == 0:  # the build was done before Ctrl-C: every output is there
            assert len(list(out.rglob("*.pdf"))) == len(list(out.rglob("*.pptx"))) > 1
            continue
        assert code == 130, what
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Interrupted; "), what
        if lines[0] == "Interrupted; nothing was written.":
            assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()], what
        assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".deckgen-journal.json"]
    assert codes.count(130) >= 3, codes


# --- B17: publication is all or nothing, even for a run killed while renaming -------------------------

@pytest.mark.slow
@pytest.mark.parametrize("kill", ["rename:1", "stage:1"])
def test_hostile_review_b17_a_build_killed_while_publishing_is_finished_by_the_next_run(
        project: Path, real: Callable[..., Ran], kill: str) -> None:
    first, second = _two_versions(project)
    other = write(project, literal_deck("Other", "Other deck", "Item", "Notes").replace("id: t", "id: other"),
                  name="other")
    assert_real_ok(real("build", first, "--out", "out"))
    killed = real("build", second, "--out", "out", env={"DECKGEN_TEST_KILL": kill})
    assert killed.code == -signal.SIGKILL, killed.text
    pptx, pdf = outputs(project)
    staged = [p.name for p in (project / "out").rglob("*.tmp")]
    assert staged, "the killed run left no staging file: the kill came too late to test anything"
    if kill.startswith("rename"):  # one output is new, one old: the journal says how to finish
        assert (project / "out" / ".deckgen-journal.json").is_file()
        assert {"First version" in pptx_text(pptx), "First version" in pdf_text(pdf)} == {True, False}
    # the next run, even of another deck, finishes or undoes what the killed one left
    assert_real_ok(real("build", other, "--out", "out"))
    assert not [p.name for p in (project / "out").rglob("*.tmp")]
    assert not (project / "out" / ".deckgen-journal.json").exists()
    version = "Second version" if kill.startswith("rename") else "First version"
    assert version in pptx_text(pptx) and version in squash(pdf_text(pdf)).replace("version", " version")
    assert_real_ok(real("build", second, "--out", "out"))
    assert "Second version" in pptx_text(pptx) and "Secondversion" in squash(pdf_text(pdf))


# --- properties: the plural evaluator and the PO reader ---------------------------------------------------

_PLURAL_OPS = ["==", "!=", "<", ">", "<=", ">=", "+", "/", "%", "&&", "||"]


def _plural_expressions(depth: int = 4) -> st.SearchStrategy[str]:
    """Plural expressions of the gettext grammar without - and * (so no value wraps around 2^64)."""
    leaf = st.one_of(st.just("n"), st.integers(0, 10**6).map(str))

    def compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:  # named: see _nested
        return st.one_of(
            st.tuples(inner, st.sampled_from(_PLURAL_OPS), inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"!({e})"),  # "!n < n": c2py reads it as not (n < n), C as (!n) < n
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        )

    return st.recursive(leaf, compound, max_leaves=12)


@PROPERTIES
@given(expr=_plural_expressions(), n=st.integers(0, 10**6))
def test_plural_evaluator_agrees_with_gettext_on_the_gettext_grammar(expr: str, n: int) -> None:
    import gettext

    from deckgen.plural import PluralError, compile_plural

    try:
        want: int | None = gettext.c2py(expr)(n)
    except ZeroDivisionError:
        want = None
    except (ValueError, SyntaxError, RecursionError):  # c2py's own limits (nesting): not ours to match
        return
    try:
        got: int | None = compile_plural(expr)(n)
    except PluralError as exc:
        assert want is None or "nests more than" in str(exc), (expr, n, want, exc)
        return
    assert got == want, (expr, n)


@PROPERTIES
@given(expr=st.one_of(TEXT, st.lists(st.sampled_from(
    ["n", "1", "0", "(", ")", "?", ":", "!", "-", "+", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", " ",
     "__import__('os')", "lambda", ";", "1e9", "0x10", "n**n", "\u0663"]), max_size=40).map("".join)),
       n=st.integers(0, 2**64))
@example(expr="(" * 10_000 + "n" + ")" * 10_000, n=1)
@example(expr="n" + " * n" * 240, n=10**15)
def test_plural_evaluator_on_arbitrary_text_gives_a_form_or_a_plural_error(expr: str, n: int) -> None:
    from deckgen.plural import MASK, PluralError, check_plural, compile_plural

    started = time.perf_counter()
    try:
        form = compile_plural(expr)(n)
    except PluralError as exc:
        assert str(exc)
    else:
        assert isinstance(form, int) and 0 <= form <= MASK
    assert check_plural(expr, 3, [n]) is None or isinstance(check_plural(expr, 3, [n]), str)
    assert time.perf_counter() - started < 2


def test_plural_evaluator_binds_not_tighter_than_comparisons_as_c_does() -> None:
    from deckgen.plural import compile_plural

    assert compile_plural("!n < n")(0) == 0  # (!0) < 0; Python's gettext.c2py says 1: not (0 < 0)
    assert compile_plural("n - 1")(0) == 2**64 - 1  # unsigned long, as GNU gettext


def test_plural_evaluator_agrees_with_gettext_on_every_language_babel_knows() -> None:
    """The CLDR rules Babel writes into new catalogs, for the first 2,000 counts."""
    import gettext

    from babel.localedata import locale_identifiers
    from babel.messages.plurals import get_plural

    from deckgen.plural import compile_plural

    rules = {get_plural(code).plural_expr for code in locale_identifiers()}
    for rule in rules:
        ours, reference = compile_plural(rule), gettext.c2py(rule)
        assert [ours(n) for n in range(2000)] == [reference(n) for n in range(2000)], rule


PO_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=40)


@PROPERTIES
@given(messages=st.lists(st.tuples(PO_TEXT, PO_TEXT.filter(bool), PO_TEXT), max_size=8,
                         unique_by=lambda m: (m[0], m[1])),
       plural=st.tuples(PO_TEXT.filter(bool), PO_TEXT.filter(bool), PO_TEXT, PO_TEXT))
def test_po_reader_reads_back_what_babel_writes(po_file: Path, messages: list[tuple[str, str, str]],
                                                plural: tuple[str, str, str, str]) -> None:
    """Every catalog Babel writes (any text, any wrapping) is read back as written, or refused with a line."""
    catalog = Catalog(locale="fr")
    catalog.mime_headers = [("Content-Type", "text/plain; charset=utf-8"),
                            ("Plural-Forms", "nplurals=2; plural=(n > 1);")]
    for context, msgid, string in messages:
        catalog.add(msgid, string, context=context or None)
    catalog.add(plural[:2], plural[2:], context="p")
    with po_file.open("wb") as fh:
        write_po(fh, catalog, width=30)
    try:
        back = read_catalog(po_file, "fr")
    except DeckgenError as exc:  # only a control character in a text may be refused
        assert all(p.location and p.location.line for p in exc.problems), exc.problems
        return
    for context, msgid, string in messages:
        assert back.get(msgid, context=context or None).string == string
    assert back.get(plural[0], context="p").string == plural[2:]


@PROPERTIES
@given(charset=st.one_of(st.sampled_from(["utf-8", "UTF-8", "utf8", "latin-1", "iso-8859-1", "x-evil", "ascii",
                                          "CHARSET", "utf-16", ""]), st.text("abcdefghijklmnopqrstuvwxyz-_0123456789",
                                                                             max_size=12)))
def test_po_reader_accepts_only_utf8_catalogs(po_file: Path, charset: str) -> None:
    text = PO.replace("charset=UTF-8", f"charset={charset}")
    po_file.write_text(text, encoding="utf-8")
    try:
        read_catalog(po_file, "fr")
    except DeckgenError as exc:
        assert charset.lower().replace("_", "-") not in ("utf-8", "utf8", "charset", "")
        line = line_of(text, '"Content-Type:')
        assert any(p.location and p.location.line == line and "charset=UTF-8" in p.message
                   for p in exc.problems), exc.problems
    else:
        assert charset.lower().replace("_", "-") in ("utf-8", "utf8", "charset", "")
