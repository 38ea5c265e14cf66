"""Draw the site's default share image (static/og-image.jpg, 1200x630): the image social cards
show for pages without a feature image of their own (the home page, lists). A dev tool that
needs Chromium and Pillow (`pip install -e ".[dev]"`): run `python scripts/make_og_image.py
[--root DIR]` after changing the site title.
Point `image = "..."` in [tool.hnmatome] at another file under static/ to use your own."""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402

from hnmatome.core.project import open_project  # noqa: E402
from hnmatome.core.writer import copy_file  # noqa: E402

OUTPUT = "og-image.jpg"
PAGE = """<!doctype html><html lang="ja"><meta charset="utf-8"><style>
html, body {{ margin: 0; width: 1200px; height: 630px; overflow: hidden; }}
body {{ display: flex; flex-direction: column; justify-content: center; padding: 0 96px;
  box-sizing: border-box;
  background: linear-gradient(135deg, #fff7ed 0%, #fdebe1 55%, #fed7aa 100%);
  font-family: "Noto Sans CJK JP", "Hiragino Sans", sans-serif; color: #1d2125; }}
.mark {{ width: 72px; height: 72px; border-radius: 16px; background: #c2410c;
  margin-bottom: 40px; }}
h1 {{ font-size: 76px; line-height: 1.25; margin: 0; letter-spacing: .02em; }}
p {{ font-size: 34px; margin: 28px 0 0; color: #5a626c; }}
</style><div class="mark"></div><h1>{title}</h1><p>{description}</p></html>"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs Chromium (apt install chromium)", file=sys.stderr)
        return 1
    project = open_project(args.root)
    settings = project.settings
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "card.html"
        shot = Path(work) / "card.png"
        page.write_text(PAGE.format(title=html.escape(settings.title),
                                    description=html.escape(settings.description)),
                        encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1200,630",
                        f"--screenshot={shot}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        jpeg = Path(work) / "card.jpg"
        Image.open(shot).convert("RGB").save(jpeg, quality=88, optimize=True, progressive=True)
        copy_file(jpeg, project.static_dir / OUTPUT)
    print(f"wrote {project.static_dir / OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
