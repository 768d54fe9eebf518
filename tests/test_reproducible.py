"""The same bytes on every fresh install: two clones, two virtual environments made from the lock."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO


def _clone(dest: Path) -> Path:
    """A fresh checkout of the repository's tracked files (as they are in the working tree)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _outputs(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.suffix in (".pptx", ".pdf")}


@pytest.mark.slow
def test_two_fresh_clones_with_fresh_venvs_build_the_same_bytes(tmp_path: Path) -> None:
    """Each clone runs the README's first command (scripts/quickstart: setup from the lock, then the
    example deck's build), in folders of different names and depths."""
    built = []
    for where in (tmp_path / "one", tmp_path / "deeper" / "two"):
        clone = _clone(where)
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        result = subprocess.run(["bash", "scripts/quickstart"], cwd=clone, capture_output=True, text=True,
                                timeout=1800, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert (clone / ".venv").is_dir()
        built.append(_outputs(clone / "dist"))
    assert len(built[0]) == 12
    assert built[0] == built[1]
