"""`convert` on a project: what changed is redone, a human's edit is never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from convert_support import PYPROJECT, edit_thread, make_project, make_thread, meta_of

from hnmatome.cli import main
from hnmatome.convert.run import convert_changed
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.project import Project, open_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "blog", [
        make_thread(3, item_id=100, title="First thread"),
        make_thread(2, item_id=200, title="Second thread"),
    ])


def test_converts_every_thread_then_only_what_changed(project: Project) -> None:
    first = convert_changed(project)
    assert sorted(p.relative_to(project.posts_dir).as_posix() for p in first.written) == [
        "2025_02/2025_02_10_first_thread/index.md", "2025_02/2025_02_10_second_thread/index.md"]
    again = convert_changed(project)
    assert again.written == () and sorted(again.unchanged) == [100, 200]
    edit_thread(project, 200, title_ja="新しいタイトル")
    third = convert_changed(project)
    assert [p.parent.name for p in third.written] == ["2025_02_10_second_thread"]
    assert meta_of(third.written[0])["title"] == "新しいタイトル"


def test_a_converter_setting_change_redoes_every_post(project: Project) -> None:
    convert_changed(project)
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(PYPROJECT.replace("max_comments = 90", "max_comments = 1"), "utf-8")
    report = convert_changed(open_project(project.root))
    assert len(report.written) == 2
    assert all(p.read_text(encoding="utf-8").count("{{<matomeQuote") == 1 for p in report.written)


def test_named_threads_are_rendered_again_and_unchanged_files_not_rewritten(
        project: Project) -> None:
    convert_changed(project)
    post = next(project.posts_dir.rglob("index.md"))
    stamp = post.stat().st_mtime_ns
    report = convert_changed(project, [100])
    assert report.written == () and report.unchanged == (100,)
    assert post.stat().st_mtime_ns == stamp


def test_a_post_edited_by_hand_is_left_alone_and_force_keeps_a_backup(project: Project) -> None:
    convert_changed(project, [100])
    post = next(project.posts_dir.rglob("index.md"))
    edited = post.read_text(encoding="utf-8").replace("なるほど", "手で直した")
    post.write_text(edited, encoding="utf-8")
    edit_thread(project, 100, title_ja="YAML も変わった")
    report = convert_changed(project)
    assert report.edited == (post,)
    assert post.read_text(encoding="utf-8") == edited
    forced = convert_changed(project, force=True)
    assert forced.backups == (post.with_name("index.md.bak"),)
    assert post.with_name("index.md.bak").read_text(encoding="utf-8") == edited
    assert "手で直した" not in post.read_text(encoding="utf-8")
    assert meta_of(post)["title"] == "YAML も変わった"


def test_posts_not_written_by_convert_are_never_touched(project: Project) -> None:
    hand = project.posts_dir / "2025_02" / "2025_02_10_first_thread" / "index.md"
    hand.parent.mkdir(parents=True)
    hand.write_text("+++\ntitle = 'by hand'\n+++\n\nmine\n", encoding="utf-8")
    seed = project.posts_dir / "2025_01" / "seed" / "index.md"
    seed.parent.mkdir(parents=True)
    seed_text = "+++\ntitle = 'seed'\nhnid = 200\n+++\n\nwritten elsewhere\n"
    seed.write_text(seed_text, encoding="utf-8")
    report = convert_changed(project)
    assert hand.read_text(encoding="utf-8") == "+++\ntitle = 'by hand'\n+++\n\nmine\n"
    assert seed.read_text(encoding="utf-8") == seed_text
    assert report.edited == (seed,)
    written = [p.parent.name for p in report.written]
    assert written == ["2025_02_10_first_thread_100"]  # the hand-written post kept its folder


def test_two_threads_never_share_a_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path / "blog", [
        make_thread(1, item_id=300, title="Same title"),
        make_thread(1, item_id=301, title="Same title"),
        make_thread(1, item_id=302, title="全部日本語"),
    ])
    report = convert_changed(project)
    folders = sorted(p.parent.name for p in report.written)
    assert folders == ["2025_02_10_hn_302", "2025_02_10_same_title",
                       "2025_02_10_same_title_301"]
    assert convert_changed(project).written == ()
    edit_thread(project, 301, title_ja="変更")  # a suffixed draft stays in its own folder
    again = convert_changed(project)
    assert [p.parent.name for p in again.written] == ["2025_02_10_same_title_301"]
    assert again.moved == () and again.errors == ()


def test_a_draft_follows_its_date_but_a_published_post_stays(project: Project) -> None:
    convert_changed(project)
    edit_thread(project, 100, date="2025-03-05")
    report = convert_changed(project)
    old = project.posts_dir / "2025_02" / "2025_02_10_first_thread" / "index.md"
    new = project.posts_dir / "2025_03" / "2025_03_05_first_thread" / "index.md"
    assert report.moved == ((old, new),)
    assert new.exists() and not old.exists() and not old.parent.exists()
    edit_thread(project, 200, draft=False)
    convert_changed(project)
    edit_thread(project, 200, date="2025-04-01")
    convert_changed(project)
    kept = project.posts_dir / "2025_02" / "2025_02_10_second_thread" / "index.md"
    assert meta_of(kept)["date"] == "2025-04-01T00:00:00"
    assert not (project.posts_dir / "2025_04").exists()


def test_draft_state_yaml_wins_then_the_post_then_the_setting(project: Project) -> None:
    convert_changed(project)
    post = project.posts_dir / "2025_02" / "2025_02_10_first_thread" / "index.md"
    assert meta_of(post)["draft"] is True
    edit_thread(project, 100, draft=False)
    convert_changed(project)
    assert meta_of(post)["draft"] is False
    thread = thread_yaml.load(project.thread_path(100))
    del thread["draft"]
    thread["title_ja"] = "変更"
    thread_yaml.save(project.thread_path(100), thread)
    convert_changed(project)
    assert meta_of(post)["draft"] is False  # still published: the post's own state


def test_new_posts_draft_setting(tmp_path: Path) -> None:
    project = make_project(tmp_path / "blog", [make_thread(1, item_id=400)])
    text = PYPROJECT.replace("max_comments = 90", "max_comments = 90\nnew_posts_draft = false")
    (project.root / "pyproject.toml").write_text(text, encoding="utf-8")
    report = convert_changed(open_project(project.root))
    assert meta_of(report.written[0])["draft"] is False


def test_tags_go_through_the_alias_table(tmp_path: Path) -> None:
    thread = make_thread(1, item_id=600, extra={"tags": ["生成AI", "ai", "Rust"]})
    project = make_project(tmp_path / "blog", [thread])
    assert meta_of(convert_changed(project).written[0])["tags"] == ["AI", "Rust"]


def test_a_broken_thread_is_reported_and_the_others_still_convert(project: Project) -> None:
    project.thread_path(300).write_text("id: 300\ncomments: [\n", encoding="utf-8")
    project.thread_path(301).write_text(thread_yaml.dumps(make_thread(1, item_id=999)),
                                        encoding="utf-8")
    report = convert_changed(project)
    assert len(report.written) == 2
    assert [e.path for e in report.errors] == [project.thread_path(300),
                                               project.thread_path(301)]
    assert "invalid YAML" in report.errors[0].message
    assert "named 301.yaml" in report.errors[1].message
    with pytest.raises(UserErrors):
        report.raise_for_errors()


def test_an_unknown_thread_id_is_an_error(project: Project) -> None:
    report = convert_changed(project, [12345])
    with pytest.raises(UserError, match="no thread file for 12345"):
        report.raise_for_errors()


def test_two_posts_claiming_one_thread_is_an_error(project: Project) -> None:
    convert_changed(project)
    copy = project.posts_dir / "2025_09" / "copy" / "index.md"
    copy.parent.mkdir(parents=True)
    source = project.posts_dir / "2025_02" / "2025_02_10_first_thread" / "index.md"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    edit_thread(project, 100, title_ja="変更")
    report = convert_changed(project)
    assert "several posts say `hnid = 100`" in report.errors[0].message


def test_cli_convert_prints_what_it_did_and_fails_on_errors(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(project.root), "convert"]) == 0
    out = capsys.readouterr().out
    assert "wrote content/posts/2025_02/2025_02_10_first_thread/index.md" in out
    assert "2 written, 0 up to date" in out
    assert main(["-C", str(project.root), "convert", "777"]) == 1
    err = capsys.readouterr().err
    assert "777.yaml" in err and "hnmatome fetch 777" in err


def test_many_posts_are_rendered_in_worker_processes_with_the_same_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads = [make_thread(3, item_id=700 + n, title=f"Thread {n}") for n in range(3)]
    threads.append(make_thread(1, item_id=799, extra={"date": "not a date"}))
    serial = make_project(tmp_path / "serial", threads)
    parallel = make_project(tmp_path / "parallel", threads)
    expected = convert_changed(serial)
    monkeypatch.setattr("hnmatome.convert.run.PARALLEL_FROM", 2)
    report = convert_changed(parallel)
    assert [p.relative_to(parallel.root) for p in report.written] == \
        [p.relative_to(serial.root) for p in expected.written]
    for path in report.written:
        twin = serial.root / path.relative_to(parallel.root)
        assert path.read_bytes() == twin.read_bytes()
    assert [(e.message, e.path) for e in report.errors] == [
        (e.message, parallel.thread_path(799)) for e in expected.errors]


@pytest.mark.parametrize(("text", "line"), [
    ("id: 300\ntitle: x\ncomments:\n- id: 301\n  text hello\n  by: someone\n", 5),  # no ':'
    ("id: 300\ntitle: x\ncomments:\n- id: 301\n  by: someone\n  text hello\n", 6),  # last line
    ("id: 300\ntitle: 'unclosed\ncomments: []\n", 2),  # where the quote opens
    ("id: 300\ntags: [a, b\ncomments: []\n", 2),  # the list never closed
    ("id: 300\ntitle: x\ncomments:\n- id: 301\n  ja: 注意: ここ\n", 5),  # ':' needs quotes
    ("id: 300\ntitle: x\n\ttags: []\n", 3),  # a tab
    ("id: 300\ntitle: a\x07b\ncomments: []\n", 2),  # a control character
])
def test_a_yaml_mistake_is_reported_on_its_own_line(project: Project, text: str,
                                                    line: int) -> None:
    project.thread_path(300).write_text(text, encoding="utf-8")
    report = convert_changed(project)
    assert [(e.path, e.line) for e in report.errors] == [(project.thread_path(300), line)]
    assert "invalid YAML" in report.errors[0].message


def test_a_hand_edited_post_is_named_by_convert_not_by_every_build(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    from hnmatome.cli.build import convert_first

    hand = project.posts_dir / "2025_02" / "sample" / "index.md"
    hand.parent.mkdir(parents=True)
    text = "+++\ntitle = 'written by hand'\nhnid = 100\n+++\n\nmine\n"
    hand.write_text(text, encoding="utf-8")
    for _ in range(2):  # what `python build.py` runs first, every time
        convert_first(project, quiet=False)
    out = capsys.readouterr().out
    assert "wrote content/posts/2025_02/2025_02_10_second_thread/index.md" in out
    assert "left alone" not in out and "edited by hand" not in out
    assert main(["-C", str(project.root), "convert"]) == 0
    out = capsys.readouterr().out
    assert out.count("left alone content/posts/2025_02/sample/index.md") == 1
    assert hand.read_text(encoding="utf-8") == text


def test_a_comment_without_text_is_named_never_dropped_silently(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    from hnmatome.cli.build import convert_first
    from hnmatome.convert.status import collect_status

    path = project.thread_path(100)
    thread = thread_yaml.load(path)
    first, second, third = thread["comments"]  # 101, 102 (reply to 101), 103
    del first["text"], first["ja"]  # nothing to show: it would vanish from the post
    second["text"] = None  # `text:` left empty; its `ja` is still shown
    del third["text"]
    third["include"] = False  # left out on purpose: nothing to say
    thread_yaml.save(path, thread)
    lines = path.read_text(encoding="utf-8").splitlines()
    line_101 = lines.index("- id: 101") + 1
    assert main(["-C", str(project.root), "convert"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {path}:{line_101}: comment 101 has no `text` (and no `ja`)" in err
    assert f"warning: {path}:{line_101 + 6}: comment 102 has no `text`" in err
    assert "hnmatome fetch 100" in err and "comment 103" not in err
    post = project.posts_dir / "2025_02" / "2025_02_10_first_thread" / "index.md"
    assert "なるほど（1）" not in post.read_text(encoding="utf-8")
    assert "これは面白い（2）" in post.read_text(encoding="utf-8")
    edit_thread(project, 100, title_ja="変更")  # the build converts it again: it says so too
    convert_first(project, quiet=True)
    assert "comment 101 has no `text`" in capsys.readouterr().err
    notes = {row.id: row.notes for row in collect_status(project)}
    assert "2 comments without `text`" in notes[100]
