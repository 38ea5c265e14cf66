"""`publish`: drafts go live in the post and in the thread YAML, keeping the curator's YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
from convert_support import make_project, make_thread, meta_of

from hnmatome.cli import main
from hnmatome.convert.publish import publish, set_post_draft, set_thread_draft
from hnmatome.convert.run import convert_changed
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "blog", [
        make_thread(2, item_id=100, title="First thread"),
        make_thread(2, item_id=200, title="Second thread"),
    ])
    convert_changed(project)
    return project


def post_path(project: Project, item_id: int) -> Path:
    name = {100: "first", 200: "second"}[item_id]
    return project.posts_dir / "2025_02" / f"2025_02_10_{name}_thread" / "index.md"


def test_publish_sets_draft_false_in_post_and_yaml(project: Project) -> None:
    report = publish(project, [100])
    assert report.changed == (100,)
    assert meta_of(post_path(project, 100))["draft"] is False
    assert meta_of(post_path(project, 200))["draft"] is True
    assert thread_yaml.load(project.thread_path(100))["draft"] is False
    # a later convert keeps it published: the YAML says so
    convert_changed(project, [100])
    assert meta_of(post_path(project, 100))["draft"] is False


def test_publish_all_then_undo(project: Project) -> None:
    assert publish(project, None).changed == (100, 200)
    assert publish(project, None).changed == ()
    assert publish(project, [200], draft=True).changed == (200,)
    assert meta_of(post_path(project, 200))["draft"] is True
    assert publish(project, [100]).unchanged == (100,)


def test_publishing_edits_one_line_of_the_yaml(project: Project) -> None:
    path = project.thread_path(100)
    original = path.read_text(encoding="utf-8")
    commented = original.replace("title_ja:", "# the curator's note\ntitle_ja:", 1)
    path.write_text(commented, encoding="utf-8")
    assert set_thread_draft(path, False)
    edited = path.read_text(encoding="utf-8")
    assert "# the curator's note\n" in edited
    assert edited.replace("draft: false\n", "") == commented
    assert set_thread_draft(path, True)
    assert path.read_text(encoding="utf-8") == commented.replace(
        "\ncomments:", "\ndraft: true\ncomments:")
    assert not set_thread_draft(path, True)


def test_an_existing_draft_line_keeps_its_comment(tmp_path: Path) -> None:
    path = tmp_path / "7.yaml"
    path.write_text("id: 7\ndraft: true  # review first\ncomments: []\n", encoding="utf-8")
    set_thread_draft(path, False)
    assert path.read_text(encoding="utf-8") == \
        "id: 7\ndraft: false  # review first\ncomments: []\n"


def test_a_thread_in_an_unusual_layout_is_rewritten_whole_with_every_value(
        tmp_path: Path) -> None:
    path = tmp_path / "7.yaml"
    path.write_text("{id: 7, draft: true, title_ja: 'タイトル', comments: []}\n", "utf-8")
    assert set_thread_draft(path, False)
    assert thread_yaml.load(path) == {"id": 7, "draft": False, "title_ja": "タイトル",
                                      "comments": []}


def test_a_hand_edited_post_gets_only_its_draft_line_changed(project: Project) -> None:
    post = post_path(project, 100)
    edited = post.read_text(encoding="utf-8").replace("なるほど", "手直し")
    post.write_text(edited, encoding="utf-8")
    report = publish(project, [100])
    assert report.edited_posts == (post,)
    assert post.read_text(encoding="utf-8") == edited.replace("draft = true", "draft = false")


def test_set_post_draft_on_yaml_front_matter(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: x\ndraft: true\n---\nbody draft = true\n", encoding="utf-8")
    assert set_post_draft(post, False)
    assert post.read_text(encoding="utf-8") == \
        "---\ntitle: x\ndraft: false\n---\nbody draft = true\n"


def test_set_post_draft_finds_the_key_whatever_its_case_and_keeps_its_comment(
        tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text("+++\nDraft = true  # not yet\n+++\nbody\n", encoding="utf-8")
    assert set_post_draft(post, False)
    assert post.read_text(encoding="utf-8") == "+++\ndraft = false  # not yet\n+++\nbody\n"
    assert not set_post_draft(post, False)


def test_publishing_an_unknown_thread_is_a_user_error(project: Project) -> None:
    with pytest.raises(UserError, match="no thread file for 999"):
        publish(project, [999])


def test_cli_publish(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(project.root), "publish", "100"]) == 0
    assert "published: 100" in capsys.readouterr().out
    assert main(["-C", str(project.root), "publish", "--all"]) == 0
    assert "published: 200" in capsys.readouterr().out
    assert main(["-C", str(project.root), "publish"]) == 1
    assert "--all" in capsys.readouterr().err
