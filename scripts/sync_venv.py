"""Remove from this environment every package that the lock file does not list.

Run with the virtual environment's own Python: ``.venv/bin/python scripts/sync_venv.py LOCK``.
deckgen itself, pip and the packages a venv starts with stay.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import distributions
from pathlib import Path

KEEP = {"deckgen", "pip"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: Path) -> set[str]:
    """The names pinned in *lock* (whatever their markers)."""
    return {normalise(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock.read_text(),
                                                       re.MULTILINE)}


def main(lock: Path) -> int:
    extra = sorted({normalise(d.metadata["Name"]) for d in distributions()} - locked(lock) - KEEP)
    if extra:
        print(f"setup: removing packages the lock does not list: {', '.join(extra)}")
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", *extra], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
