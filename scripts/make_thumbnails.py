"""Generate the project's own thumbnail set (static/thumbnails/*.jpg: soft gradients named like
the thumbnails the corpus refers to) and the bitmap favicons. A dev-only tool:
`pip install -e ".[dev]"`, then `python scripts/make_thumbnails.py`. Deterministic: the same
names give the same images."""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from hnmatome.core.writer import atomic_write_bytes  # noqa: E402

SIZE = (1200, 630)
WORK = (400, 210)  # drawn small and scaled up: smoother, and far smaller as JPEG

# family -> (count, first number, palette); the palette's colours are mixed per image
FAMILIES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "blue": (4, 1, ("#1e3a8a", "#2563eb", "#60a5fa", "#0ea5e9", "#1d4ed8")),
    "blue_green": (5, 1, ("#1d4ed8", "#0891b2", "#10b981", "#34d399", "#0f766e")),
    "color": (4, 1, ("#f43f5e", "#f59e0b", "#10b981", "#3b82f6", "#8b5cf6")),
    "cyan": (4, 1, ("#0e7490", "#06b6d4", "#67e8f9", "#22d3ee", "#155e75")),
    "cyan_orange": (4, 1, ("#0891b2", "#22d3ee", "#fb923c", "#f97316", "#fdba74")),
    "green": (4, 1, ("#166534", "#16a34a", "#4ade80", "#65a30d", "#bbf7d0")),
    "light-orange": (4, 1, ("#fed7aa", "#fdba74", "#fb923c", "#ffedd5", "#fcd34d")),
    "light_colour": (4, 1, ("#fbcfe8", "#bfdbfe", "#bbf7d0", "#fde68a", "#ddd6fe")),
    "orange": (4, 1, ("#c2410c", "#ea580c", "#f97316", "#fb923c", "#f59e0b")),
    "orange_pink": (4, 1, ("#f97316", "#fb7185", "#ec4899", "#fdba74", "#f472b6")),
    "purple": (8, 1, ("#4c1d95", "#7c3aed", "#a78bfa", "#c026d3", "#6d28d9")),
    "red": (3, 1, ("#991b1b", "#dc2626", "#f87171", "#e11d48", "#fb7185")),
}


def names() -> list[str]:
    """blue.jpg, blue2.jpg..blue4.jpg (the corpus has no blue1), then numbered families."""
    found = []
    for family, (count, first, _) in FAMILIES.items():
        for number in range(first, first + count):
            if family == "blue" and number == 1:
                found.append("blue.jpg")
            else:
                found.append(f"{family}{number}.jpg")
    return found


def _palette(name: str) -> tuple[str, ...]:
    stem = name.removesuffix(".jpg").rstrip("0123456789")
    return FAMILIES[stem][2]


def gradient(name: str) -> Image.Image:
    rng = random.Random(name)
    colours = list(_palette(name))
    rng.shuffle(colours)
    ramp = Image.linear_gradient("L").resize(WORK).rotate(rng.uniform(0, 360), expand=False,
                                                            fillcolor=128)
    ramp = ramp.resize(WORK).filter(ImageFilter.GaussianBlur(30))
    image = ImageOps.colorize(ramp, colours[0], colours[1]).convert("RGB")
    for colour in colours[2:4]:
        blob = Image.new("L", WORK, 0)
        x, y = rng.uniform(0, WORK[0]), rng.uniform(0, WORK[1])
        radius = rng.uniform(0.35, 0.6) * WORK[0]
        ImageDraw.Draw(blob).ellipse((x - radius, y - radius * 0.7, x + radius, y + radius * 0.7),
                                     fill=rng.randint(120, 200))
        blob = blob.filter(ImageFilter.GaussianBlur(radius * 0.45))
        image = Image.composite(Image.new("RGB", WORK, colour), image, blob)
    return image.resize(SIZE, Image.Resampling.BICUBIC)


def icon(size: int) -> Image.Image:
    """The favicon (static/favicon.svg) as a bitmap: an orange tile with a white Y."""
    scale = size / 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=14 * scale, fill="#e8590c")
    mark = [(18, 16), (26, 16), (32, 29), (38, 16), (46, 16), (36, 35), (36, 48), (28, 48),
            (28, 35)]
    draw.polygon([(x * scale, y * scale) for x, y in mark], fill="#ffffff")
    return image


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=72, optimize=True, progressive=True)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "static" / "thumbnails")
    args = parser.parse_args(argv)
    total = 0
    for name in names():
        data = jpeg(gradient(name))
        atomic_write_bytes(args.out / name, data)
        total += len(data)
    print(f"{len(names())} thumbnails, {total / 1024:.0f} KB in {args.out}")
    static = args.out.parent
    big = icon(256)
    atomic_write_bytes(static / "favicon.ico", encoded(big, "ICO", sizes=[(16, 16), (32, 32),
                                                                           (48, 48)]))
    atomic_write_bytes(static / "apple-touch-icon.png",
                       encoded(icon(180).convert("RGB"), "PNG", optimize=True))
    print(f"favicon.ico and apple-touch-icon.png in {static}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
