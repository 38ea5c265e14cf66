"""`convert` makes each post's share card (card.png beside index.md) and names it as the post's
featureimage, unless the post has an image someone chose."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from convert_support import edit_thread, make_project, make_thread, meta_of
from PIL import Image

from hnmatome.convert.cards import is_automatic_image
from hnmatome.convert.run import convert_changed
from hnmatome.core.frontmatter import with_key
from hnmatome.core.project import Project

FIRST = Path("2025_02") / "2025_02_10_first_thread"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "blog", [
        make_thread(3, item_id=100, title="First thread"),
        make_thread(2, item_id=200, title="Second thread"),
    ])


def test_convert_writes_the_card_and_names_it_as_the_featureimage(project: Project) -> None:
    report = convert_changed(project)
    post = project.posts_dir / FIRST / "index.md"
    card = post.parent / "card.png"
    assert meta_of(post)["featureimage"] == "card.png"
    assert card in report.cards and len(report.cards) == 2
    with Image.open(io.BytesIO(card.read_bytes())) as image:
        assert image.size == (1200, 630) and image.format == "PNG"


def test_an_unchanged_card_is_not_rewritten_and_a_new_title_redraws_it(project: Project) -> None:
    convert_changed(project)
    card = project.posts_dir / FIRST / "card.png"
    before = card.read_bytes()
    card_mtime = card.stat().st_mtime_ns
    again = convert_changed(project, [100])  # named: rendered again, bytes the same
    assert again.cards == () and card.stat().st_mtime_ns == card_mtime
    edit_thread(project, 100, title_ja="まったく別のタイトルになった")
    third = convert_changed(project)
    assert third.cards == (card,) and card.read_bytes() != before


def test_a_lost_card_is_made_again_by_the_next_convert(project: Project) -> None:
    convert_changed(project)
    card = project.posts_dir / FIRST / "card.png"
    data = card.read_bytes()
    card.unlink()
    report = convert_changed(project)
    assert report.cards == (card,) and card.read_bytes() == data


def test_an_automatic_gradient_is_replaced_by_the_card(project: Project) -> None:
    convert_changed(project)
    post = project.posts_dir / FIRST / "index.md"
    text = post.read_text(encoding="utf-8").replace('"card.png"', '"thumbnails/a.jpg"')
    post.write_text(text, encoding="utf-8")
    convert_changed(project, [100], force=True)
    assert meta_of(post)["featureimage"] == "card.png"


@pytest.mark.parametrize("image", ["photo.jpg", "hero.png", "https://example.com/x.png"])
def test_a_featureimage_chosen_by_hand_wins(project: Project, image: str) -> None:
    convert_changed(project)
    post = project.posts_dir / FIRST / "index.md"
    (project.static_dir / "photo.jpg").write_bytes(b"jpg")
    (post.parent / "hero.png").write_bytes(b"png")
    text = post.read_text(encoding="utf-8").replace('"card.png"', f'"{image}"')
    post.write_text(text, encoding="utf-8")
    (post.parent / "card.png").unlink()
    report = convert_changed(project, [100], force=True)  # the hand edit is overwritten...
    assert meta_of(post)["featureimage"] == image  # ...but its picture is kept
    assert report.cards == () and not (post.parent / "card.png").exists()


def test_a_chosen_image_that_is_gone_gives_way_to_the_card(project: Project) -> None:
    convert_changed(project)
    post = project.posts_dir / FIRST / "index.md"
    text = post.read_text(encoding="utf-8").replace('"card.png"', '"gone.jpg"')
    post.write_text(text, encoding="utf-8")
    convert_changed(project, [100], force=True)
    assert meta_of(post)["featureimage"] == "card.png"


def test_a_post_that_is_not_a_bundle_keeps_a_thumbnail(project: Project) -> None:
    edit_thread(project, 100, draft=False)
    convert_changed(project)
    bundle = project.posts_dir / FIRST
    single = project.posts_dir / "2025_02" / "first.md"
    text = (bundle / "index.md").read_text(encoding="utf-8")
    single.write_text(text.replace('"card.png"', '"thumbnails/b.jpg"'), encoding="utf-8")
    for path in bundle.iterdir():
        path.unlink()
    bundle.rmdir()
    convert_changed(project, [100], force=True)
    assert meta_of(single)["featureimage"] == "thumbnails/b.jpg"
    assert not (single.parent / "card.png").exists()


def test_a_draft_that_moves_takes_its_card_along(project: Project) -> None:
    convert_changed(project)
    edit_thread(project, 100, date="2025-03-05")
    report = convert_changed(project)
    old = project.posts_dir / FIRST
    new = project.posts_dir / "2025_03" / "2025_03_05_first_thread"
    assert report.moved == ((old / "index.md", new / "index.md"),)
    assert (new / "card.png").is_file() and not old.exists()


def test_what_counts_as_an_automatic_image() -> None:
    assert all(map(is_automatic_image, ["", "card.png", "/card.png", "thumbnails/blue4.jpg",
                                        "/thumbnails/x.jpg", "thumbnails/../thumbnails/x.jpg"]))
    assert not any(map(is_automatic_image, ["photo.jpg", "thumbnails/sub/x.jpg",
                                            "images/card.png", "https://e.com/card.png"]))


@pytest.mark.parametrize(("text", "expected"), [
    ("+++\ntitle = 'a'\nfeatureimage = 'thumbnails/b.jpg'\n+++\n\nbody\n",
     "+++\ntitle = 'a'\nfeatureimage = 'card.png'\n+++\n\nbody\n"),
    ('+++\nfeatureImage = "x.jpg"\ntags = []\n+++\nbody\n',
     '+++\nfeatureimage = "card.png"\ntags = []\n+++\nbody\n'),
    ("+++\ntitle = 'a'\n+++\n\nbody\n",
     "+++\ntitle = 'a'\nfeatureimage = 'card.png'\n+++\n\nbody\n"),
    ("---\ntitle: a\nfeatureimage: x.jpg\n---\nbody\n",
     "---\ntitle: a\nfeatureimage: card.png\n---\nbody\n"),
    ("---\ntitle: a\n---\nbody\n", "---\ntitle: a\nfeatureimage: card.png\n---\nbody\n"),
])
def test_set_featureimage_edits_one_line(text: str, expected: str) -> None:
    assert with_key(text, "featureimage", "card.png") == expected
