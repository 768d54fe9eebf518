"""`deckgen plan` and `deckgen build --shard K/N`: a build split over a CI matrix gives the same bytes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import EXAMPLE, EXAMPLE_DIR, run_cli, run_cli_ok
from deckgen.build import Shard, shard_units, unit_cost

LOCALES = ["en", "de", "el", "es", "fr", "nl"]


def deckgen(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real ``deckgen`` command, with its default PDF workers."""
    return subprocess.run([sys.executable, "-m", "deckgen", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=900, env={**os.environ, "PYTHONWARNINGS": "error"})


def outputs(folder: Path) -> dict[str, str]:
    """Every output file below *folder* (not the manifest) -> its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".deckgen")}


def test_plan_lists_every_output_with_its_fingerprint(project: Path) -> None:
    planned = json.loads(run_cli_ok("plan", EXAMPLE_DIR).output)
    assert [(p["locale"], p["format"]) for p in planned] == [(loc, fmt) for loc in LOCALES for fmt in ("pptx", "pdf")]
    first = planned[0]
    assert first == {**first, "deck": EXAMPLE, "deck_dir": EXAMPLE_DIR.as_posix(), "brand": "hcsmeu",
                     "output": f"dist/{EXAMPLE}/en/{EXAMPLE}-en.pptx", "up_to_date": False}
    assert all(len(p["fingerprint"]) == 64 for p in planned)
    assert len({p["fingerprint"] for p in planned}) == len(planned)


def test_plan_follows_the_build_options_and_the_manifest(project: Path) -> None:
    planned = json.loads(run_cli_ok("plan", EXAMPLE_DIR, "-l", "fr", "-f", "pdf", "--brand", "de").output)
    assert [(p["locale"], p["format"], p["brand"], p["output"]) for p in planned] == [
        ("fr", "pdf", "de", f"dist/{EXAMPLE}/de/fr/{EXAMPLE}-de-fr.pdf")]
    run_cli_ok("build", EXAMPLE_DIR, "-l", "fr", "-f", "pdf", "--brand", "de", "-j", "1")
    again = json.loads(run_cli_ok("plan", EXAMPLE_DIR, "-l", "fr", "-f", "pdf", "--brand", "de").output)
    assert again == [{**planned[0], "up_to_date": True}]
    catalog = project / EXAMPLE_DIR / "locales" / "fr" / "LC_MESSAGES" / "deck.po"
    text = catalog.read_text()
    assert 'msgstr "Nos croyances"' in text
    catalog.write_text(text.replace('msgstr "Nos croyances"', 'msgstr "Nos valeurs"'))
    changed = json.loads(run_cli_ok("plan", EXAMPLE_DIR, "-l", "fr", "-f", "pdf", "--brand", "de").output)
    assert changed[0]["up_to_date"] is False and changed[0]["fingerprint"] != planned[0]["fingerprint"]


def test_plan_with_no_tags_follows_an_untagged_build(project: Path) -> None:
    """Untagged PDFs are other outputs: 'plan --no-tags' says whether 'build --no-tags' has them."""
    args = ("-l", "en", "-f", "pdf")
    tagged = json.loads(run_cli_ok("plan", EXAMPLE_DIR, *args).output)[0]
    untagged = json.loads(run_cli_ok("plan", EXAMPLE_DIR, *args, "--no-tags").output)[0]
    assert untagged["fingerprint"] != tagged["fingerprint"] and untagged["output"] == tagged["output"]
    run_cli_ok("build", EXAMPLE_DIR, *args, "--no-tags", "-j", "1")
    assert json.loads(run_cli_ok("plan", EXAMPLE_DIR, *args, "--no-tags").output)[0]["up_to_date"] is True
    assert json.loads(run_cli_ok("plan", EXAMPLE_DIR, *args).output)[0]["up_to_date"] is False


def test_plan_reports_a_bad_deck_like_the_build(project: Path) -> None:
    deck = project / EXAMPLE_DIR / "deck.yaml"
    deck.write_text(deck.read_text().replace("brand: hcsmeu", "brand: nowhere"))
    result = run_cli("plan", EXAMPLE_DIR)
    assert result.exit_code == 1
    assert "deck.yaml:12" in result.stderr and "nowhere" in result.stderr


def test_the_shards_of_a_plan_are_disjoint_and_make_the_whole(project: Path) -> None:
    whole = json.loads(run_cli_ok("plan", EXAMPLE_DIR).output)
    parts = [json.loads(run_cli_ok("plan", EXAMPLE_DIR, "--shard", f"{k}/4").output) for k in range(1, 5)]
    outputs_of = [[p["output"] for p in part] for part in parts]
    assert sorted(sum(outputs_of, [])) == sorted(p["output"] for p in whole)
    assert all(part for part in outputs_of)  # six units over four shards: none is empty


@pytest.mark.parametrize("text", ["0/3", "4/3", "x", "1/0", "2", "-1/3", "1/3/2"])
def test_a_bad_shard_is_a_usage_error(project: Path, text: str) -> None:
    for command in ("build", "plan"):
        result = run_cli(command, EXAMPLE_DIR, "--shard", text)
        assert result.exit_code == 2, (command, result.output)
        assert f"Invalid value for '--shard': '{text}' is not a shard" in result.stderr
        assert "K/N" in result.stderr or "K must be" in result.stderr


def test_an_empty_shard_writes_nothing_and_says_so(project: Path) -> None:
    result = run_cli_ok("build", EXAMPLE_DIR, "--shard", "8/8", "--out", "out")
    assert "shard 8/8: no units to build (6 in all" in result.output
    assert not (project / "out").exists()


def _fake(deck: str, slides: int, locale: str, brand: str = "b") -> SimpleNamespace:
    return SimpleNamespace(loaded=SimpleNamespace(deck=SimpleNamespace(id=deck, slides=[None] * slides)),
                           brand=SimpleNamespace(id=brand), locale=locale)


def test_the_split_is_balanced_and_does_not_depend_on_the_order_of_the_decks() -> None:
    rng = random.Random(7)
    units = [_fake(f"deck{d}", rng.randint(3, 60), loc) for d in range(20) for loc in ("en", "fr", "de")]
    for n in (1, 2, 3, 7):
        parts = [shard_units(units, Shard(k, n)) for k in range(1, n + 1)]
        assert sorted(id(u) for p in parts for u in p) == sorted(id(u) for u in units)
        loads = [sum(unit_cost(u) for u in p) for p in parts]
        assert max(loads) - min(loads) <= max(unit_cost(u) for u in units)
        shuffled = units[:]
        rng.shuffle(shuffled)
        again = [shard_units(shuffled, Shard(k, n)) for k in range(1, n + 1)]
        assert [sorted(id(u) for u in p) for p in again] == [sorted(id(u) for u in p) for p in parts]


@pytest.mark.slow
def test_the_union_of_the_shards_is_the_full_build_byte_for_byte(project: Path) -> None:
    """Through the real command with its PDF workers, each shard in its own output folder."""
    full = deckgen("build", EXAMPLE_DIR, "--out", "full", cwd=project)
    assert full.returncode == 0, full.stderr
    union: dict[str, str] = {}
    for k in (1, 2, 3):
        shard = deckgen("build", EXAMPLE_DIR, "--out", f"shard{k}", "--shard", f"{k}/3", cwd=project)
        assert shard.returncode == 0, shard.stderr
        assert f"shard {k}/3: 2 of 6 units" in shard.stdout
        part = outputs(project / f"shard{k}")
        assert part and not set(part) & set(union)
        union.update(part)
    assert union == outputs(project / "full")
    assert len(union) == 12
