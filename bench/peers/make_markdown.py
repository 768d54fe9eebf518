"""Write the example deck as Markdown for Marp CLI (and Pandoc): the same slides, words and images.

    .venv/bin/python bench/peers/make_markdown.py

For each locale of ``decks/hcsmeu-anniversary`` it writes ``bench/peers/decks/<locale>.md``:
every slide's text as deckgen composes it (translated, with dates, numbers and deckgen's own
words already in the language), as headings, paragraphs, bullet and numbered lists, bold,
italic and links, plus the deck's image; a small theme gives Marp the brand's colours and
fonts. This is what an organiser using Marp would keep by hand, one file per language: the
benchmark compares the tools on the same content (bench/bench.py --peers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "decks" / "hcsmeu-anniversary"
OUT = Path(__file__).resolve().parent / "decks"

THEME = """\
---
marp: true
size: 16:9
paginate: true
lang: {lang}
title: {title}
style: |
  @font-face {{ font-family: "Noto Sans"; src: url("{fonts}/NotoSans-Regular.ttf"); }}
  @font-face {{ font-family: "Noto Sans"; font-weight: bold; src: url("{fonts}/NotoSans-Bold.ttf"); }}
  @font-face {{ font-family: "Noto Serif Display"; font-weight: bold;
               src: url("{fonts}/NotoSerifDisplay-Bold.ttf"); }}
  section {{ font-family: "Noto Sans"; font-size: 24px; color: #1a1a2e; background: #ffffff; }}
  h1, h2 {{ font-family: "Noto Serif Display"; color: #1d2b8f; }}
  a {{ color: #0a7c86; }}
  section.dark {{ background: #1d2b8f; color: #ffffff; }}
  section.dark h1 {{ color: #ffffff; }}
---
"""


def _md(runs) -> str:
    out = []
    for r in runs:
        text = r.text.replace("\n", "<br>")
        if r.sup:
            text = f"<sup>{text}</sup>"
        if r.sub:
            text = f"<sub>{text}</sub>"
        if r.bold:
            text = f"**{text}**"
        if r.italic:
            text = f"*{text}*"
        if r.href:
            text = f"[{text}]({r.href})"
        out.append(text)
    return "".join(out).strip()


def slide_markdown(slide, deck_dir: Path) -> str:
    from deckgen.scene import ImageFrame, TextFrame

    lines = []
    if slide.background.lower() not in ("#ffffff", "#fff"):
        lines.append("<!-- _class: dark -->")
    for frame in slide.frames:
        if isinstance(frame, ImageFrame) and frame.role == "image":
            rel = Path("../../..") / Path(frame.path).resolve().relative_to(ROOT)
            lines.append(f"![{frame.alt}]({rel.as_posix()})")
        if not isinstance(frame, TextFrame) or frame.role in ("footer", "decoration"):
            continue
        for p in frame.paragraphs:
            text = _md(p.runs)
            if not text:
                continue
            if frame.role == "title":
                lines.append(f"# {text}")
            elif p.bullet == "number":
                lines.append(f"{p.number}. {text}")
            elif p.bullet:
                lines.append("  " * p.level + f"- {text}")
            else:
                lines.append(f"\n{text}\n")
    return "\n".join(lines).strip() + "\n"


def main() -> int:
    from deckgen.build import Builder, BuildOptions
    from deckgen.load import load_decks

    scenes = []
    builder = Builder(BuildOptions(formats=("pptx",)), on_scene=lambda scene, brand: scenes.append(scene))
    builder.render(load_decks([DECK]))
    OUT.mkdir(parents=True, exist_ok=True)
    fonts = Path("../../..") / "assets" / "fonts" / "noto"
    for scene in scenes:
        body = "\n---\n\n".join(slide_markdown(s, DECK) for s in scene.slides)
        head = THEME.format(lang=scene.language_tag, title=json.dumps(scene.title, ensure_ascii=False), fonts=fonts.as_posix())
        (OUT / f"{scene.locale}.md").write_text(head + "\n" + body, encoding="utf-8")
        print(f"wrote {(OUT / f'{scene.locale}.md').relative_to(ROOT)} ({len(scene.slides)} slides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
