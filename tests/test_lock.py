"""The lock file: made from pyproject.toml, installed by setup, exactly, on every machine."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

LOCK = REPO / "requirements.lock"
SUPPORTED = ["3.11", "3.12", "3.13", "3.14"]


def _lock_module():
    spec = importlib.util.spec_from_file_location("lock_script", REPO / "scripts" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins(python: str) -> dict[str, str]:
    """Name -> version of every package the lock installs on CPython *python* on Linux."""
    env = {**default_environment(), "python_version": python, "python_full_version": f"{python}.0",
           "implementation_name": "cpython", "platform_python_implementation": "CPython",
           "sys_platform": "linux"}
    out = {}
    for line in LOCK.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if m:
            req = Requirement(f"{m.group(1)}=={m.group(2)}" + (f"; {m.group(3)}" if m.group(3) else ""))
            if req.marker is None or req.marker.evaluate(env):
                out[canonicalize_name(req.name)] = m.group(2)
    return out


def pyproject_requirements() -> list[Requirement]:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        reqs += extra
    for group in data.get("dependency-groups", {}).values():
        reqs += [r for r in group if isinstance(r, str)]
    return [Requirement(r) for r in reqs]


def test_lock_was_made_from_this_pyproject() -> None:
    lock = _lock_module()
    assert lock.recorded_digest() == lock.dependency_digest(), (
        "pyproject.toml changed since requirements.lock was made: run 'python3 scripts/lock.py' and commit both")


@pytest.mark.parametrize("python", SUPPORTED)
def test_every_requirement_is_pinned_within_its_range(python: str) -> None:
    locked = pins(python)
    for req in pyproject_requirements():
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is not in requirements.lock for Python {python}"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock pins {req.name}=={locked[name]}, outside pyproject.toml's '{req.specifier}'")


def test_every_pin_has_hashes() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n", 3)[3])
    for block in blocks:
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, block.split("\n", 1)[0]


@pytest.mark.skipif(Path(sys.prefix).resolve() != (REPO / ".venv").resolve(),
                    reason="checks the project's own .venv made by scripts/setup; these tests run elsewhere")
def test_setup_installed_exactly_the_locked_set() -> None:
    locked = pins(f"{sys.version_info.major}.{sys.version_info.minor}")
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    installed.pop("deckgen")
    installed.pop("pip", None)
    assert installed == locked


def test_setup_refuses_a_lock_made_from_another_pyproject(tmp_path: Path) -> None:
    for name in ("scripts", "pyproject.toml", "requirements.lock"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"click>=8.2,<9"', '"click>=8.3,<9"'))
    result = subprocess.run(["bash", "scripts/setup"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert "requirements.lock" in result.stderr and "pyproject.toml" in result.stderr
    assert "python3 scripts/lock.py" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / ".venv").exists()  # refused before anything was installed
