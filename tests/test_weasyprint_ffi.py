"""WeasyPrint's C declarations prepared at setup (``deckgen.weasyprint_ffi``): used when they match,
the usual import when they do not, and the same PDF bytes either way.

Each check runs in a fresh interpreter: WeasyPrint is imported once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, REPO

from deckgen import weasyprint_ffi


def python(code: str, cwd: Path = REPO) -> str:
    """Run *code* in a fresh interpreter; its standard output."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the prepared declarations of the installed WeasyPrint."""
    folder = tmp_path_factory.mktemp("ffi")
    record = weasyprint_ffi.prepare(folder)
    assert record == folder / weasyprint_ffi.RECORD
    return folder


#: prints which FFI WeasyPrint got and the files of the native libraries the process loaded
REPORT = """
    import sys
    from deckgen.render_pdf import import_weasyprint
    import_weasyprint()
    ffi = sys.modules["weasyprint.text.ffi"].ffi
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if any(n in line for n in ("libpango", "libharfbuzz", "libfontconfig", "libgobject"))})
    print(type(ffi).__name__, type(ffi).__module__, *libs)
"""


def test_the_declarations_are_those_weasyprint_hands_to_cffi():
    """What is prepared is exactly the string WeasyPrint's own import passes to ``ffi.cdef``."""
    out = python("""
        import hashlib, cffi
        seen = []
        original = cffi.FFI.cdef
        def cdef(self, csource, *args, **kwargs):
            seen.append(csource)
            return original(self, csource, *args, **kwargs)
        cffi.FFI.cdef = cdef
        import weasyprint.text.ffi
        print(len(seen), hashlib.sha256(seen[0].encode()).hexdigest())
    """)
    source = weasyprint_ffi.weasyprint_source()
    assert source is not None
    expected = weasyprint_ffi._sha256(weasyprint_ffi.declarations(source.read_text(encoding="utf-8")))
    assert out.split() == ["1", expected]


def test_the_prepared_declarations_are_used_when_they_match(prepared: Path):
    out = python(f"""
        from pathlib import Path
        from deckgen import weasyprint_ffi
        weasyprint_ffi.cache_dir = lambda: Path({str(prepared)!r})
        {textwrap.indent(textwrap.dedent(REPORT), "        ").strip()}
    """)
    name, module, *libs = out.split()
    assert (name, module) == ("PreparedFFI", "deckgen.weasyprint_ffi")
    usual = python(f"""
        from deckgen import weasyprint_ffi
        weasyprint_ffi.install = lambda *args: False
        {textwrap.indent(textwrap.dedent(REPORT), "        ").strip()}
    """).split()
    assert usual[:2] == ["FFI", "cffi.api"]
    assert libs == usual[2:]  # the same native libraries, found the same way
    assert any("libpango-1.0" in lib for lib in libs)


@pytest.mark.parametrize("change", ["weasyprint_source", "cffi", "code"])
def test_a_record_that_no_longer_matches_is_ignored(prepared: Path, tmp_path: Path, change: str):
    """WeasyPrint or cffi upgraded since setup (or the file altered): the usual import, silently."""
    folder = tmp_path / "ffi"
    folder.mkdir()
    (folder / weasyprint_ffi.CODE).write_bytes((prepared / weasyprint_ffi.CODE).read_bytes())
    record = json.loads((prepared / weasyprint_ffi.RECORD).read_text())
    record[change] = "0" * 64 if change != "cffi" else "0.0"
    (folder / weasyprint_ffi.RECORD).write_text(json.dumps(record))
    out = python(f"""
        from pathlib import Path
        from deckgen import weasyprint_ffi
        weasyprint_ffi.cache_dir = lambda: Path({str(folder)!r})
        assert not weasyprint_ffi.install()
        {textwrap.indent(textwrap.dedent(REPORT), "        ").strip()}
    """)
    assert out.split()[:2] == ["FFI", "cffi.api"]


def test_declarations_that_differ_fall_back_to_the_usual_import(prepared: Path, tmp_path: Path):
    """The last check happens when WeasyPrint hands over its declarations: they must be the prepared ones."""
    folder = tmp_path / "ffi"
    folder.mkdir()
    (folder / weasyprint_ffi.CODE).write_bytes((prepared / weasyprint_ffi.CODE).read_bytes())
    record = json.loads((prepared / weasyprint_ffi.RECORD).read_text())
    record["cdef"] = "0" * 64
    (folder / weasyprint_ffi.RECORD).write_text(json.dumps(record))
    out = python(f"""
        from pathlib import Path
        from deckgen import weasyprint_ffi
        weasyprint_ffi.cache_dir = lambda: Path({str(folder)!r})
        assert weasyprint_ffi.install()  # the files match: the finder is installed
        {textwrap.indent(textwrap.dedent(REPORT), "        ").strip()}
    """)
    assert out.split()[:2] == ["FFI", "cffi.api"]


def test_nothing_prepared_means_the_usual_import(tmp_path: Path):
    out = python(f"""
        from pathlib import Path
        from deckgen import weasyprint_ffi
        weasyprint_ffi.cache_dir = lambda: Path({str(tmp_path / "none")!r})
        assert not weasyprint_ffi.install()
        {textwrap.indent(textwrap.dedent(REPORT), "        ").strip()}
    """)
    assert out.split()[:2] == ["FFI", "cffi.api"]


def test_too_late_once_weasyprint_is_imported(prepared: Path):
    out = python(f"""
        from pathlib import Path
        import weasyprint
        from deckgen import weasyprint_ffi
        print(weasyprint_ffi.install(Path({str(prepared)!r})))
    """)
    assert out.split() == ["False"]


def test_the_prepared_module_is_recorded_with_its_hashes(prepared: Path):
    record = json.loads((prepared / weasyprint_ffi.RECORD).read_text())
    assert set(record) == {"weasyprint_source", "cdef", "cffi", "code"}
    code = (prepared / weasyprint_ffi.CODE).read_bytes()
    assert record["code"] == weasyprint_ffi._sha256(code)
    assert b"_cffi_backend" not in code and b"ffi = _PreparedFFI(" in code


def test_a_source_not_laid_out_as_expected_is_not_prepared():
    with pytest.raises(ValueError, match="one ffi.cdef"):
        weasyprint_ffi.declarations("import cffi\nffi = cffi.FFI()\n")
    with pytest.raises(ValueError, match="one string literal"):
        weasyprint_ffi.declarations("ffi.cdef(DECLARATIONS)\n")


@pytest.mark.parametrize("tags", [[], ["--no-tags"]], ids=["tagged", "untagged"])
def test_the_same_pdf_bytes_with_and_without_the_prepared_declarations(prepared: Path, tmp_path: Path,
                                                                       tags: list[str]):
    """The example deck's PDF, rendered in the process (``--jobs 1``), in French (accents, ligatures)."""
    pdfs = []
    for use in (True, False):
        out = tmp_path / ("prepared" if use else "usual")
        install = (f"weasyprint_ffi.cache_dir = lambda: Path({str(prepared)!r})" if use
                   else "weasyprint_ffi.install = lambda *args: False")
        python(f"""
            import sys
            from pathlib import Path
            from deckgen import weasyprint_ffi
            {install}
            from deckgen.cli import main
            sys.argv = ["deckgen", "build", {str(EXAMPLE_DIR)!r}, "--locale", "fr", "--format", "pdf",
                        "--jobs", "1", "--out", {str(out)!r}, "-q", *{tags!r}]
            try:
                main()
            except SystemExit as exc:
                assert not exc.code, exc.code
            import weasyprint.text.ffi as ffi
            assert type(ffi.ffi).__name__ == ({"'PreparedFFI'" if use else "'FFI'"})
        """)
        found = sorted(out.rglob("*.pdf"))
        assert len(found) == 1
        pdfs.append(found[0].read_bytes())
    assert pdfs[0] == pdfs[1]


def test_the_interpreter_exits_cleanly_after_rendering_with_them(prepared: Path):
    """A worker's life: the fork server's preload (a warm-up render, gc.freeze), a PDF with fonts
    kept for the next one, then a normal exit.

    An out-of-line FFI does not keep its libraries alive, and Python's exit closed one before
    the objects that release into it: a crash (exit status -11) until the libraries were opened
    to stay loaded, as WeasyPrint's in-line FFI keeps them.
    """
    for _ in range(2):
        out = python(f"""
            import sys
            from pathlib import Path
            from deckgen import weasyprint_ffi, workers
            weasyprint_ffi.cache_dir = lambda: Path({str(prepared)!r})
            workers.preload()
            from deckgen.layouts import Sandbox
            from deckgen.render_pdf import PdfRenderer
            renderer = PdfRenderer()  # not closed: its fonts live until the exit, as in a worker
            pdf = renderer.html_to_pdf('<p style="font-family: sans-serif">Bonjour <b>à</b> tous</p>',
                                       Sandbox({{"deck.invalid": Path(".")}}))
            print(type(sys.modules["weasyprint.text.ffi"].ffi).__name__, pdf[:5].decode())
        """)
        assert out.split() == ["PreparedFFI", "%PDF-"]
