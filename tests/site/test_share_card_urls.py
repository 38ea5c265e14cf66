"""A post's share card (`featureimage = 'card.png'`, a file of its bundle) is copied with the
post and is its og:image (an absolute URL), JSON-LD image and list thumbnail."""

from __future__ import annotations

import json
from pathlib import Path

from site_support import build, make_project, parse_html, write_post

from hnmatome.convert.cards import refresh_cards
from hnmatome.core.project import open_project

FOLDER = "posts/2025_02/2025_02_10_cards"


def test_a_bundle_card_is_served_and_named_by_absolute_url(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    write_post(root / "content", f"{FOLDER}/index.md", title="カードのある投稿",
               date="2025-02-10", tags=["AI"], extra={"featureimage": "'thumbnails/blue.jpg'"})
    report = refresh_cards(open_project(root), every=True)
    assert report.errors == [] and len(report.written) == 1
    build(root)
    public = root / "public"
    card = public / FOLDER / "card.png"
    assert card.read_bytes() == (root / "content" / FOLDER / "card.png").read_bytes()
    post = parse_html(public / FOLDER / "index.html")
    url = f"https://example.org/{FOLDER}/card.png"
    assert post.css_first('meta[property="og:image"]').attributes["content"] == url
    ld = [json.loads(s.text()) for s in post.css('script[type="application/ld+json"]')]
    assert any(url in json.dumps(item) for item in ld)
    listed = parse_html(public / "posts" / "index.html")
    assert f"/{FOLDER}/card.png" in [img.attributes.get("src") for img in listed.css("img")]
