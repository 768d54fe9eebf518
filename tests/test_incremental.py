"""Rebuilding when nothing changed does nothing; a change rebuilds only what it touches."""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from conftest import EXAMPLE_DIR, run_cli, run_cli_ok

OUT = Path("out") / "hcsmeu-anniversary"


def outputs(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted((project / OUT).rglob("*.p*")) if p.suffix in (".pptx", ".pdf")}


def stamps(project: Path) -> dict[str, int]:
    return {p.relative_to(project).as_posix(): p.stat().st_mtime_ns
            for p in sorted((project / OUT).rglob("*")) if p.is_file()}


def test_second_build_with_nothing_changed_writes_nothing(project: Path) -> None:
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--locale", "fr", "--out", "out")
    before = stamps(project)
    result = run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--locale", "fr", "--out", "out")
    assert result.output.startswith("nothing to do: 4 files up to date")
    assert stamps(project) == before


def test_a_changed_catalog_rebuilds_only_its_locale(project: Path) -> None:
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--locale", "fr", "--out", "out")
    before = outputs(project)
    po = project / EXAMPLE_DIR / "locales/fr/LC_MESSAGES/deck.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    cat.get("Thanks", context="thanks.title").string = "Merci"
    with po.open("wb") as fh:
        write_po(fh, cat, width=78)
    result = run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--locale", "fr", "--out", "out")
    assert "wrote out/hcsmeu-anniversary/fr/hcsmeu-anniversary-fr.pptx" in result.output
    assert "/en/" not in "".join(line for line in result.output.splitlines() if line.startswith("wrote"))
    assert "; 2 up to date" in result.output
    after = outputs(project)
    assert after["out/hcsmeu-anniversary/en/hcsmeu-anniversary-en.pdf"] == \
        before["out/hcsmeu-anniversary/en/hcsmeu-anniversary-en.pdf"]
    assert after["out/hcsmeu-anniversary/fr/hcsmeu-anniversary-fr.pptx"] != \
        before["out/hcsmeu-anniversary/fr/hcsmeu-anniversary-fr.pptx"]


def test_a_changed_deck_brand_or_layout_rebuilds(project: Path) -> None:
    args = ("build", EXAMPLE_DIR, "--locale", "en", "--format", "pptx", "--out", "out")
    run_cli_ok(*args)
    brand = project / "assets/brands/hcsmeu/brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8").replace("#F4A259", "#F4A25A"), encoding="utf-8")
    assert run_cli_ok(*args).output.startswith("wrote ")
    (project / "layouts").mkdir(exist_ok=True)
    (project / "layouts" / "note.txt").write_text("a new project layout file", encoding="utf-8")
    assert run_cli_ok(*args).output.startswith("wrote ")
    deck = project / EXAMPLE_DIR / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("a think tank", "a think-tank"), encoding="utf-8")
    assert run_cli_ok(*args).output.startswith("wrote ")
    assert run_cli_ok(*args).output.startswith("nothing to do")


def test_a_damaged_output_is_rebuilt_and_force_rebuilds_everything(project: Path) -> None:
    args = ("build", EXAMPLE_DIR, "--locale", "en", "--format", "pptx", "--out", "out")
    run_cli_ok(*args)
    pptx = project / OUT / "en" / "hcsmeu-anniversary-en.pptx"
    good = pptx.read_bytes()
    pptx.write_bytes(good[:100])
    assert run_cli_ok(*args).output.startswith("wrote ")
    assert pptx.read_bytes() == good
    assert run_cli_ok(*args, "--force").output.startswith("wrote ")


def test_warnings_are_repeated_and_strict_still_fails_when_nothing_changed(project: Path) -> None:
    po = project / EXAMPLE_DIR / "locales/fr/LC_MESSAGES/deck.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    cat.get("Thanks", context="thanks.title").string = ""
    with po.open("wb") as fh:
        write_po(fh, cat, width=78)
    args = ("build", EXAMPLE_DIR, "--locale", "fr", "--format", "pptx", "--out", "out")
    first = run_cli_ok(*args)
    assert "no translation for 'Thanks'" in first.stderr
    again = run_cli_ok(*args)
    assert again.output.startswith("nothing to do") or "nothing to do" in again.stdout
    assert "no translation for 'Thanks'" in again.stderr
    strict = run_cli(*args, "--strict")
    assert strict.exit_code == 1 and "no translation for 'Thanks'" in strict.stderr


def test_the_manifest_records_inputs_and_output_digests(project: Path) -> None:
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--format", "pdf", "--out", "out")
    manifest = json.loads((project / "out" / ".deckgen-manifest.json").read_text(encoding="utf-8"))
    record = manifest["outputs"]["hcsmeu-anniversary/en/hcsmeu-anniversary-en.pdf"]
    assert len(record["inputs"]) == len(record["sha256"]) == 64
