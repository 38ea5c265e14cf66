"""`hnmatome cards [ID…|--all]`: makes or refreshes the share cards of existing posts, by thread
id, by post file or folder, or all of them (posts without `hnid` too); unchanged cards and posts
are not rewritten, and an image someone chose is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from convert_support import clean_project, meta_of

from hnmatome.cli import main
from hnmatome.convert.post_format import rehash_output
from hnmatome.convert.post_index import read_post, written_by_convert_unchanged
from hnmatome.core.project import Project

CORPUS_POST = """\
+++
date = '2025-02-06T00:00:00'
months = '2025/02'
draft = false
title = '推論型大規模言語モデルの理解が進む！その可能性と課題とは'
tags = ["AI", "大規模言語モデル", "推論"]
featureimage = 'thumbnails/blue4.jpg'
+++

> 推論型大規模言語モデルの理解が進む！その可能性と課題とは
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return clean_project(tmp_path / "blog")


def cards(project: Project, *args: str) -> int:
    return main(["-C", str(project.root), "cards", *args])


def corpus_post(project: Project, text: str = CORPUS_POST) -> Path:
    post = project.posts_dir / "2025_02" / "2025_02_06_understanding_reasoning_llms" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text(text, encoding="utf-8")
    return post


def converted(project: Project, name: str) -> Path:
    return next(project.posts_dir.glob(f"2025_02/*{name}*/index.md"))


def test_all_makes_cards_for_posts_without_hnid_and_links_them(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    post = corpus_post(project)
    assert cards(project, "--all") == 0
    out = capsys.readouterr().out
    assert (post.parent / "card.png").is_file()
    text = post.read_text(encoding="utf-8")
    assert "featureimage = 'card.png'\n" in text
    assert text == CORPUS_POST.replace("thumbnails/blue4.jpg", "card.png")  # one line changed
    assert "wrote content/posts/2025_02/2025_02_06_understanding_reasoning_llms/card.png" in out
    assert "1 written, 2 up to date" in out  # convert made the other two already


def test_running_again_changes_nothing(project: Project,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    post = corpus_post(project)
    assert cards(project, "--all") == 0
    files = sorted(project.posts_dir.rglob("*"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files if p.is_file()}
    capsys.readouterr()
    assert cards(project, "--all") == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files if p.is_file()}
    assert after == before and sorted(project.posts_dir.rglob("*")) == files
    assert "0 written, 3 up to date" in capsys.readouterr().out
    assert meta_of(post)["featureimage"] == "card.png"


def test_by_thread_id_a_post_convert_wrote_still_counts_as_untouched(project: Project) -> None:
    post = converted(project, "first")
    card = post.parent / "card.png"
    card.unlink()
    text = post.read_text(encoding="utf-8").replace('"card.png"', '"thumbnails/a.jpg"')
    post.write_text(rehash_output(text), encoding="utf-8")  # as an older convert wrote it
    assert cards(project, "100") == 0
    assert card.is_file() and meta_of(post)["featureimage"] == "card.png"
    assert written_by_convert_unchanged(read_post(post))  # convert may still rewrite it


def test_by_post_folder(project: Project) -> None:
    post = corpus_post(project)
    assert cards(project, str(post.parent.relative_to(project.root))) == 0
    assert (post.parent / "card.png").is_file()


def test_an_image_of_its_own_is_kept(project: Project,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    post = corpus_post(project, CORPUS_POST.replace("thumbnails/blue4.jpg", "photo.jpg"))
    (post.parent / "photo.jpg").write_bytes(b"jpg")
    assert cards(project, "--all") == 0
    assert not (post.parent / "card.png").exists()
    assert meta_of(post)["featureimage"] == "photo.jpg"
    assert "it has an image of its own" in capsys.readouterr().out


def test_a_post_that_is_not_a_bundle_gets_no_card(project: Project,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    single = project.posts_dir / "single.md"
    single.write_text(CORPUS_POST, encoding="utf-8")
    assert cards(project, "--all") == 0
    assert not (project.posts_dir / "card.png").exists()
    assert single.read_text(encoding="utf-8") == CORPUS_POST
    assert "not a bundle" in capsys.readouterr().out


def test_nothing_named_is_an_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert cards(project) == 1
    assert "--all" in capsys.readouterr().err


def test_an_unknown_thread_or_post_is_named(project: Project,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert cards(project, "999", "content/posts/nope") == 1
    err = capsys.readouterr().err
    assert "no post says `hnid = 999`" in err and "hnmatome convert 999" in err
    assert "content/posts/nope: no post here" in err


def test_a_broken_front_matter_is_named_and_the_rest_go_on(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    broken = corpus_post(project, "+++\ntitle = 'unclosed\n+++\n")
    assert cards(project, "--all") == 1
    err = capsys.readouterr().err
    assert str(broken) in err and "front matter" in err
    assert (converted(project, "first").parent / "card.png").is_file()


def test_many_cards_are_drawn_by_workers_with_the_same_bytes(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    cards_dir = [converted(project, name).parent / "card.png" for name in ("first", "second")]
    serial = [path.read_bytes() for path in cards_dir]
    for path in cards_dir:
        path.unlink()
    monkeypatch.setattr("hnmatome.convert.cards.PARALLEL_FROM", 2)
    assert cards(project, "--all") == 0
    assert [path.read_bytes() for path in cards_dir] == serial


def test_a_card_drawn_from_the_same_input_is_not_drawn_again_unless_redraw(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus_post(project)
    assert cards(project, "--all") == 0
    drawn: list[str] = []
    import hnmatome.convert.share_card as share_card

    real = share_card.render_card
    monkeypatch.setattr(share_card, "render_card",
                        lambda title, *rest: drawn.append(title) or real(title, *rest))
    assert cards(project, "--all") == 0 and drawn == []
    assert cards(project, "--all", "--redraw") == 0 and len(drawn) == 3
    text = converted(project, "first").read_text(encoding="utf-8")
    edit = text.replace('title = "最初のスレ"', 'title = "題が変わった"')
    converted(project, "first").write_text(edit, encoding="utf-8")
    drawn.clear()
    assert cards(project, "--all") == 0 and drawn == ["題が変わった"]
