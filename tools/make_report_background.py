"""Draw the background picture of the yearly-report deck: a map-like web of connected dots.

``decks/hcsmeu-yearly-report/network.jpg`` (1920 x 1080, JPEG) is made here, from a fixed
random seed, so anyone can make it again and it needs no licence but ours: it is
dedicated to the public domain (CC0 1.0, see the deck's IMAGES.md). Dots stand for
people, lines for conversations; a few larger dots in the brand's accent colour are the
chapters. Drawn at twice the size and scaled down for smooth edges.

    python tools/make_report_background.py
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "decks" / "hcsmeu-yearly-report" / "network.jpg"
W, H, S = 1920, 1080, 2  # size, supersampling


def main() -> None:
    rng = random.Random(2011)
    img = Image.new("RGB", (W * S, H * S))
    # a diagonal gradient from deep blue to teal (the brand's primary and secondary)
    top, bottom = (11, 79, 108), (19, 124, 120)
    grad = Image.linear_gradient("L").rotate(-35, expand=True).resize((W * S, H * S))
    img = Image.composite(Image.new("RGB", img.size, bottom), Image.new("RGB", img.size, top), grad)
    draw = ImageDraw.Draw(img, "RGBA")
    points = [(rng.uniform(0, W * S), rng.uniform(0, H * S)) for _ in range(170)]
    for i, (x, y) in enumerate(points):  # each dot talks to its nearest neighbours
        near = sorted(points, key=lambda p: math.dist(p, (x, y)))[1:4]
        for nx, ny in near:
            draw.line([(x, y), (nx, ny)], fill=(255, 255, 255, 70), width=2 * S)
    for x, y in points:
        r = rng.uniform(3, 7) * S
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, 170))
    for x, y in rng.sample(points, 8):  # the chapters
        r = 16 * S
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(244, 162, 89, 230))
    img = img.filter(ImageFilter.GaussianBlur(0.6 * S)).resize((W, H), Image.LANCZOS)
    img.save(OUT, "JPEG", quality=82, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
