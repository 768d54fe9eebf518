#!/usr/bin/env python3
"""The lock file: every package deckgen's own commands install, pinned with hashes.

    python3 scripts/lock.py            regenerate requirements.lock from pyproject.toml
    python3 scripts/lock.py --check    fail if requirements.lock was made from another pyproject.toml

``pyproject.toml`` keeps version ranges for people who install deckgen as a library;
``requirements.lock`` is what ``scripts/setup`` installs (``pip install --require-hashes``):
every runtime, test and build package, transitively, with exact versions and the hashes
of every file PyPI has for them, resolved once for every Python version the project
supports (``uv pip compile --universal``, markers where a Python version needs another
package). Its first line records a digest of the dependency tables of pyproject.toml,
so a change to one without the other is caught by setup and by the test suite.

Standard library only (Python 3.11+), so setup can check the lock before any venv exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
#: the resolver, itself pinned: another uv version may pick other versions or write the file differently
UV = "uv==0.13.9"
COMMAND = "python3 scripts/lock.py"
DIGEST_PREFIX = "# pyproject.toml dependencies: sha256="


def dependency_digest(pyproject: Path = PYPROJECT) -> str:
    """A digest of everything in *pyproject* that the lock is resolved from."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {k: sorted(v) for k, v in project.get("optional-dependencies", {}).items()},
        "dependency-groups": data.get("dependency-groups", {}),
        "build-system": sorted(data.get("build-system", {}).get("requires", [])),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    """The digest written on the lock's first line, or None if there is none."""
    if not lock.is_file():
        return None
    first = lock.read_text(encoding="utf-8").split("\n", 1)[0]
    return first[len(DIGEST_PREFIX):].strip() if first.startswith(DIGEST_PREFIX) else None


def check() -> int:
    """Exit status 0 if the lock was made from this pyproject.toml; else say what to run."""
    if recorded_digest() == dependency_digest():
        return 0
    what = "is missing" if not LOCK.is_file() else "does not match pyproject.toml"
    print(f"Error: requirements.lock {what}: the dependencies in pyproject.toml changed since the lock "
          f"was made.\nRegenerate it with '{COMMAND}' and commit both files.", file=sys.stderr)
    return 1


def _uv() -> Path:
    """A uv of the pinned version, in a private virtual environment (made once, under .cache/)."""
    venv = ROOT / ".cache" / "lock-tool"
    uv = venv / "bin" / "uv"
    version = UV.split("==")[1]
    if uv.exists():
        out = subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout
        if version in out.split():
            return uv
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", UV], check=True)
    return uv


def regenerate() -> int:
    """Resolve pyproject.toml again and write requirements.lock."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "requirements.lock"
        env = {**os.environ, "UV_NO_CONFIG": "1"}
        subprocess.run([str(_uv()), "pip", "compile", "--quiet", str(PYPROJECT.name),
                        "--all-extras", "--group", "build", "--universal", "--python-version", "3.11",
                        "--generate-hashes", "--no-emit-index-url", "--index-url", "https://pypi.org/simple",
                        "--custom-compile-command", COMMAND, "-o", str(out)],
                       cwd=ROOT, check=True, env=env)
        body = out.read_text(encoding="utf-8")
    LOCK.write_text(f"{DIGEST_PREFIX}{dependency_digest()}\n{body}", encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(check() if sys.argv[1:] == ["--check"] else regenerate())
