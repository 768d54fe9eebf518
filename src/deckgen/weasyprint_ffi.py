"""WeasyPrint's C declarations, prepared once at setup instead of parsed at every start.

WeasyPrint declares the C functions of Pango, HarfBuzz, fontconfig and GObject it calls in
``weasyprint/text/ffi.py``: ``ffi = cffi.FFI()`` then ``ffi.cdef('''…''')`` with about 500
lines of C. cffi parses them with pycparser, in Python, every time WeasyPrint is imported:
about a third of the import, which every cold ``deckgen build`` waits for.

cffi can do that parsing ahead of time: an *out-of-line ABI-mode* module
(``ffi.set_source(name, None)`` then ``ffi.emit_python_code(path)``) holds the parsed
declarations as compact tables that cffi's C backend reads in a millisecond. No C compiler is
involved. ``scripts/setup`` runs ``python -m deckgen.weasyprint_ffi``, which reads the very
string WeasyPrint passes to ``ffi.cdef`` out of its source, writes such a module into a cache
folder of the environment (never into the repository) and records the hashes of
WeasyPrint's file and of that string, and the cffi version.

At run time :func:`install` (called just before WeasyPrint is imported) checks the record
against the installed WeasyPrint and cffi; when it matches, WeasyPrint's own
``weasyprint/text/ffi.py`` still runs, unchanged, except that ``cffi.FFI()`` gives it the
prepared object: its ``cdef`` checks that it is handed the recorded declarations instead of
parsing them, and its ``dlopen`` finds libraries exactly as ``cffi.FFI.dlopen`` does (and keeps
them loaded, as cffi's in-line FFI does). The same libraries are loaded and the same C functions
called, so the PDFs are byte for byte the same (tests/test_weasyprint_ffi.py). Anything that
does not match — WeasyPrint or cffi upgraded, the cache missing or unreadable, declarations
that differ — and WeasyPrint is imported the usual way, silently: the preparation only ever
saves time.

This module imports only the standard library at import time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import json
import os
import sys
from pathlib import Path
from typing import Any

TARGET = "weasyprint.text.ffi"  # the module whose declarations are prepared
MODULE_NAME = "deckgen_weasyprint_ffi"  # cffi's name for the prepared declarations
RECORD = "weasyprint_ffi.json"
CODE = "weasyprint_ffi.py"
#: what cffi's out-of-line module starts its object with, and what it is replaced by
_EMITTED = ("import _cffi_backend\n", "ffi = _cffi_backend.FFI(")
_PREPARED = ("", "ffi = _PreparedFFI(")


def cache_dir() -> Path:
    """Where the prepared module lives: inside the virtual environment, else the user's cache."""
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / "share" / "deckgen"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deckgen"


def _sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def weasyprint_source() -> Path | None:
    """``weasyprint/text/ffi.py`` of the installed WeasyPrint, found without importing it."""
    spec = importlib.machinery.PathFinder.find_spec("weasyprint")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "text" / "ffi.py"
    return path if path.is_file() else None


def _cffi_version() -> str:
    import _cffi_backend

    return str(_cffi_backend.__version__)


def declarations(source: str) -> str:
    """The C declarations of WeasyPrint's *source*: the string literal of its single ``ffi.cdef(...)``.

    ValueError when the file is not made that way (then nothing is prepared).
    """
    import ast

    calls = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cdef"]
    if len(calls) != 1:
        raise ValueError(f"expected one ffi.cdef(...) call, found {len(calls)}")
    call = calls[0]
    if (call.keywords or len(call.args) != 1 or not isinstance(call.args[0], ast.Constant)
            or not isinstance(call.args[0].value, str)):
        raise ValueError("ffi.cdef(...) is not called with one string literal")
    return call.args[0].value


# --- at setup: prepare ----------------------------------------------------------------------------


def prepare(folder: Path | None = None) -> Path:
    """Write the prepared declarations of the installed WeasyPrint into *folder*; its record's path.

    Raise RuntimeError (with what is wrong) if WeasyPrint or cffi cannot be prepared for.
    """
    import tempfile

    import cffi

    folder = folder or cache_dir()
    source_path = weasyprint_source()
    if source_path is None:
        raise RuntimeError("WeasyPrint is not installed in this environment")
    source = source_path.read_bytes()
    try:
        cdef = declarations(source.decode("utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError) as exc:
        raise RuntimeError(f"{source_path} is not laid out as expected ({exc})") from None
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    ffi.set_source(MODULE_NAME, None)  # out-of-line ABI mode: no C compiler
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        emitted = Path(tmp) / f"{MODULE_NAME}.py"
        with contextlib.redirect_stdout(None):  # cffi says "generating ..."
            ffi.emit_python_code(str(emitted))
        code = emitted.read_text(encoding="utf-8")
    for old, new in zip(_EMITTED, _PREPARED):
        if code.count(old) != 1:
            raise RuntimeError(f"cffi {cffi.__version__} emits modules deckgen does not know ({old.strip()!r})")
        code = code.replace(old, new)
    compile(code, CODE, "exec")  # fails here, not at run time
    record = {"weasyprint_source": _sha256(source), "cdef": _sha256(cdef), "cffi": _cffi_version(),
              "code": _sha256(code)}
    _write(folder / CODE, code.encode("utf-8"))
    _write(folder / RECORD, json.dumps(record, indent=1).encode("utf-8"))  # last: it validates the code
    return folder / RECORD


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- at run time: install -------------------------------------------------------------------------


class Mismatch(Exception):
    """The declarations WeasyPrint hands over are not the prepared ones."""


def _prepared_class() -> type:
    import _cffi_backend

    class PreparedFFI(_cffi_backend.FFI):  # type: ignore[misc,name-defined]
        """cffi's FFI object of the prepared declarations, standing in for ``cffi.FFI()`` in WeasyPrint."""

        expected = ""  # the hash of the declarations it holds
        declared = False

        def cdef(self, csource: str, override: bool = False, packed: bool = False, pack: Any = None) -> None:
            """Check that *csource* is what was prepared (instead of parsing it)."""
            if (self.declared or override or packed or pack is not None or not isinstance(csource, str)
                    or _sha256(csource) != self.expected):
                raise Mismatch
            self.declared = True

        def dlopen(self, name: Any, flags: int = 0) -> Any:
            """Load a library as ``cffi.FFI.dlopen`` does: the name as given, else through find_library.

            The library is never unloaded (``RTLD_NODELETE``). cffi's in-line FFI keeps every
            library it opened for as long as itself; an out-of-line one does not, so at the
            interpreter's exit a library could be closed before the objects whose destructors
            call it (``ffi.gc(..., gobject.g_object_unref)``), and the process crashed.
            """
            flags |= self.RTLD_NODELETE
            if not isinstance(name, str):
                return super().dlopen(name, flags)
            first_error: OSError | None = None
            if "." in name or "/" in name or os.sep in name:
                try:
                    return super().dlopen(name, flags)
                except OSError as exc:
                    first_error = exc
            import ctypes.util

            path = ctypes.util.find_library(name)
            if path is None:
                msg = f"ctypes.util.find_library() did not manage to locate a library called {name!r}"
                if first_error is not None:
                    msg = f"{first_error}.  Additionally, {msg}"
                raise OSError(msg)
            return super().dlopen(path, flags)

    return PreparedFFI


class _Loader:
    """Runs WeasyPrint's own ``text/ffi.py``, with ``cffi.FFI()`` giving it the prepared object."""

    def __init__(self, loader: Any, code: Any, cdef_hash: str) -> None:
        self.loader = loader
        self.code = code
        self.cdef_hash = cdef_hash

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def _make(self) -> Any:
        cls = _prepared_class()
        namespace: dict[str, Any] = {"_PreparedFFI": cls}
        exec(self.code, namespace)  # noqa: S102 - our own file, checked against its recorded hash
        ffi = namespace["ffi"]
        ffi.expected = self.cdef_hash
        return ffi

    def exec_module(self, module: Any) -> None:
        import cffi

        original = cffi.FFI
        made: list[Any] = []

        def factory(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__")
            if args or kwargs or made or caller != TARGET:  # not WeasyPrint's one plain cffi.FFI()
                return original(*args, **kwargs)
            made.append(self._make())
            return made[0]

        cffi.FFI = factory  # type: ignore[misc,assignment]
        try:
            self.loader.exec_module(module)
            return
        except Mismatch:
            pass
        except Exception:
            if made and made[0].declared:
                raise  # WeasyPrint's own code failed after its declarations: its error, as usual
            # the prepared object could not be made: the usual way below
        finally:
            cffi.FFI = original  # type: ignore[misc]
        keep = {"__name__", "__loader__", "__package__", "__spec__", "__file__", "__cached__", "__builtins__"}
        for name in [n for n in vars(module) if n not in keep]:
            del vars(module)[name]
        self.loader.exec_module(module)  # the usual way: cffi parses the declarations


class _Finder:
    """Finds ``weasyprint.text.ffi`` once, as usual, and gives it :class:`_Loader`."""

    def __init__(self, source: Path, code: Any, cdef_hash: str) -> None:
        self.source = source
        self.code = code
        self.cdef_hash = cdef_hash

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != TARGET:
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)  # once
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or spec.origin is None or Path(spec.origin) != self.source:
            return spec
        spec.loader = _Loader(spec.loader, self.code, self.cdef_hash)
        return spec


def install(folder: Path | None = None) -> bool:
    """Have the next import of WeasyPrint use the prepared declarations, if they match; whether it will.

    Does nothing (False) if WeasyPrint is already imported, nothing is prepared, or what was
    prepared does not match the installed WeasyPrint and cffi.
    """
    if TARGET in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return False
    folder = folder or cache_dir()
    try:
        record = json.loads((folder / RECORD).read_bytes())
        source = weasyprint_source()
        if source is None or record.get("cffi") != _cffi_version():
            return False
        if _sha256(source.read_bytes()) != record.get("weasyprint_source"):
            return False  # WeasyPrint changed since setup
        text = (folder / CODE).read_bytes()
        if _sha256(text) != record.get("code"):
            return False
        code = compile(text, str(folder / CODE), "exec")
    except (OSError, ValueError, TypeError, AttributeError, SyntaxError, ImportError):
        return False
    sys.meta_path.insert(0, _Finder(source, code, str(record.get("cdef"))))
    return True


def main() -> int:
    """``python -m deckgen.weasyprint_ffi``: prepare the declarations (run by scripts/setup)."""
    try:
        record = prepare()
    except (RuntimeError, OSError, ImportError) as exc:
        print(f"setup: WeasyPrint's C declarations not prepared ({exc}); builds work, a little slower",
              file=sys.stderr)
        return 0
    print(f"setup: WeasyPrint's C declarations prepared in {record.parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
