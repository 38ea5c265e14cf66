"""review/checks.py and check_rules.py: the checks before publishing. Each rule finds its
problem in a bad thread, with the file, line and comment id, and is quiet once it is fixed;
`check_project` does the same over a project's threads and posts."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from convert_support import clean_project, edit_thread, make_thread

from hnmatome.convert.run import convert_changed
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import key_line
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.review import checks
from hnmatome.review.check_rules import ERROR, WARNING
from hnmatome.review.checks import PostFacts, Problem, SiteFacts, check_project, check_thread

ID = 40000001  # make_thread's thread; its comments are ID + 1, ID + 2, …
TITLE_JA = "小さな静的サイトジェネレーターを作った"  # make_thread's title_ja
NEW_SITE = SiteFacts()


def check(tmp_path: Path, thread: dict[str, Any], facts: SiteFacts = NEW_SITE,
          post: Path | None = None) -> list[Problem]:
    """The problems of `thread`, written to tmp_path/<id>.yaml and read back as check_project
    reads it."""
    path = tmp_path / f"{thread['id']}.yaml"
    path.write_text(thread_yaml.dumps(thread), encoding="utf-8")
    return check_thread(thread_yaml.load(path), path, facts, post)


def commented(index: int, n_comments: int = 3, **changes: Any) -> dict[str, Any]:
    """make_thread(n_comments) with comment `index` changed."""
    thread = make_thread(n_comments)
    thread["comments"][index].update(changes)
    return thread


def having(problems: list[Problem], text: str) -> list[Problem]:
    return [problem for problem in problems if text in problem.message]


def source_of(tmp_path: Path, item_id: int = ID) -> str:
    return (tmp_path / f"{item_id}.yaml").read_text(encoding="utf-8")


def comment_line_of(tmp_path: Path, comment_id: int) -> int:
    line = thread_yaml.comment_line(source_of(tmp_path), comment_id)
    assert line is not None
    return line


def test_a_clean_thread_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path, make_thread(3)) == []


# ------------------------------------------------------------------------------- scripts


def test_another_script_in_a_comment_is_an_error_at_its_comment(tmp_path: Path) -> None:
    problems = check(tmp_path, commented(1, ja="これはконкурентだし、기준も違う"))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.level == ERROR and problem.field == "ja"
    assert problem.comment_id == ID + 2
    assert problem.path == tmp_path / f"{ID}.yaml"
    assert problem.line == comment_line_of(tmp_path, ID + 2)
    assert "конкурент (Cyrillic)" in problem.message and "기준 (Hangul)" in problem.message
    assert problem.hint and "Japanese" in problem.hint
    assert check(tmp_path, commented(1, ja="これは競合だし、基準も違う")) == []


def test_a_run_of_another_script_the_original_has_is_the_commenters_own(tmp_path: Path) -> None:
    thread = commented(0, text="In Russian it is конкурент, and β works.",
                       ja="ロシア語だとконкурентで、β版も動く")
    assert check(tmp_path, thread) == []


def test_another_script_in_the_title_is_an_error_at_title_ja(tmp_path: Path) -> None:
    problems = check(tmp_path, make_thread(3, extra={"title_ja": "새로운 静的サイト生成器"}))
    assert [(p.level, p.field, p.comment_id) for p in problems] == [(ERROR, "title_ja", None)]
    assert "새로운 (Hangul)" in problems[0].message
    assert problems[0].line == key_line(source_of(tmp_path), "title_ja")
    assert check(tmp_path, make_thread(3, extra={"title_ja": "新しい静的サイト生成器"})) == []


# ---------------------------------------------------------------------------- empty ja


@pytest.mark.parametrize("ja", ["", "  \n  "])
def test_an_empty_translation_is_an_error(tmp_path: Path, ja: str) -> None:
    problems = check(tmp_path, commented(2, ja=ja))
    assert [(p.level, p.comment_id) for p in problems] == [(ERROR, ID + 3)]
    assert "not translated" in problems[0].message
    assert "hnmatome translate" in (problems[0].hint or "")
    assert problems[0].line == comment_line_of(tmp_path, ID + 3)
    assert check(tmp_path, commented(2, ja="ちゃんと訳した")) == []


def test_a_comment_the_post_does_not_show_makes_no_noise(tmp_path: Path) -> None:
    assert check(tmp_path, commented(2, ja="", include=False)) == []
    assert check(tmp_path, commented(2, ja="<b>隠した</b>", include=False)) == []


def test_a_thread_never_translated_is_one_error_not_one_per_comment(tmp_path: Path) -> None:
    thread = make_thread(5, translated=False, extra={"title_ja": TITLE_JA})
    problems = check(tmp_path, thread)
    assert [(p.level, p.field, p.comment_id) for p in problems] == [(ERROR, "thread", None)]
    assert "none of the 5 comments" in problems[0].message
    assert problems[0].hint == f"run `hnmatome translate {ID}`"


@pytest.mark.parametrize("title_ja", [None, " "])
def test_a_missing_title_translation_is_a_warning(tmp_path: Path, title_ja: str | None) -> None:
    thread = make_thread(3, extra={"title_ja": title_ja})
    if title_ja is None:
        del thread["title_ja"]
    problems = check(tmp_path, thread)
    assert [(p.level, p.field) for p in problems] == [(WARNING, "title_ja")]
    assert "title is not translated" in problems[0].message
    source = source_of(tmp_path)  # the blank `title_ja:`, else `title:`
    assert problems[0].line == (key_line(source, "title_ja") or key_line(source, "title"))
    assert problems[0].line is not None


# -------------------------------------------------------------- longer, same, untranslated


def test_a_translation_far_longer_than_its_original_is_a_warning(tmp_path: Path) -> None:
    # the original has 26 visible characters: up to 2 * 26 + 50 is fine
    problems = check(tmp_path, commented(0, ja="なるほど、" * 25))
    assert [(p.level, p.comment_id) for p in problems] == [(WARNING, ID + 1)]
    assert "much longer than the original (125 characters for 26)" in problems[0].message
    assert check(tmp_path, commented(0, ja="な" * 102)) == []


def test_a_translation_identical_to_its_original_is_a_warning(tmp_path: Path) -> None:
    thread = make_thread(3)
    thread["comments"][0]["ja"] = thread["comments"][0]["text"]
    problems = check(tmp_path, thread)
    assert [(p.level, p.comment_id) for p in problems] == [(WARNING, ID + 1)]
    assert "the translation is the same as the original" in problems[0].message
    assert check(tmp_path, commented(0, ja="コメント1番。\n二行目。")) == []


def test_a_translation_left_in_english_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, commented(0, ja="This is comment one, really."))
    assert len(having(problems, "has no Japanese in it")) == 1


def test_a_comment_of_only_a_url_or_code_needs_no_translation(tmp_path: Path) -> None:
    same = "https://example.com/a_page"
    assert check(tmp_path, commented(0, text=same, ja=same)) == []
    code = "`rm -rf build`"
    assert check(tmp_path, commented(0, text=code, ja=code)) == []


def test_the_title_left_in_english_is_a_warning(tmp_path: Path) -> None:
    thread = make_thread(3, extra={"title_ja": "Show HN: A tiny static site generator"})
    problems = check(tmp_path, thread)
    assert [(p.level, p.field) for p in problems] == [(WARNING, "title_ja")]
    assert "looks untranslated" in problems[0].message


# ------------------------------------------------------------------------------------ URLs


def test_a_url_of_the_original_missing_from_the_translation_is_a_warning(tmp_path: Path) -> None:
    text = "The docs are at https://example.com/docs/intro, see there."
    problems = check(tmp_path, commented(0, text=text, ja="ドキュメントはそこにある。"))
    assert [(p.level, p.comment_id) for p in problems] == [(WARNING, ID + 1)]
    assert problems[0].message.endswith("missing from the translation: "
                                        "https://example.com/docs/intro")
    assert problems[0].hint == "copy them into `ja`"
    for kept in ("ドキュメントは https://example.com/docs/intro にある。",
                 "[ドキュメント](https://example.com/docs/intro/)にある。"):
        assert check(tmp_path, commented(0, text=text, ja=kept)) == [], kept


@pytest.mark.parametrize(("url", "written"), [
    ("https://example.com/docs/", "https://example.com/docs"),
    ("https://ja.wikipedia.org/wiki/%E5%AF%BF%E5%8F%B8", "https://ja.wikipedia.org/wiki/寿司")])
def test_a_url_may_lose_its_slash_or_percent_encoding(tmp_path: Path, url: str,
                                                      written: str) -> None:
    text = f"Read {url} first."
    assert check(tmp_path, commented(0, text=text, ja=f"まず {written} を読んで。")) == []
    assert having(check(tmp_path, commented(0, text=text, ja="まずそれを読んで。")), url)


# ------------------------------------------------------------------------- code and HTML


@pytest.mark.parametrize(("ja", "kind"), [("こう書く:\n\n```\nx = 1\n```", "a ``` fence"),
                                          ("こう書く:\n\n    x = 1", "indented code")])
def test_a_code_block_in_a_translation_is_a_warning(tmp_path: Path, ja: str, kind: str) -> None:
    problems = check(tmp_path, commented(1, ja=ja))
    assert [(p.level, p.comment_id) for p in problems] == [(WARNING, ID + 2)]
    assert f"code block ({kind})" in problems[0].message
    assert check(tmp_path, commented(1, ja="こう書く: `x = 1`")) == []


def test_raw_html_in_a_translation_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, commented(0, ja='<b>重要</b>な点だ。<a href="https://x.io">'))
    assert [(p.level, p.comment_id) for p in problems] == [(ERROR, ID + 1)]
    assert "HTML in the translation" in problems[0].message
    assert '<b>, </b>, <a href="https://x.io">' in problems[0].message
    assert check(tmp_path, commented(0, ja="**重要**な点だ。")) == []


@pytest.mark.parametrize("tag", ["<br>", "<br/>", "<br />"])
def test_a_br_tag_in_a_translation_is_a_warning(tmp_path: Path, tag: str) -> None:
    problems = check(tmp_path, commented(0, ja=f"一行目{tag}二行目"))
    assert [(p.level, p.comment_id) for p in problems] == [(WARNING, ID + 1)]
    assert "not as a line break" in problems[0].message
    assert check(tmp_path, commented(0, ja="一行目\n二行目")) == []


@pytest.mark.parametrize("ja", ["a<b and c>dという比較", "`<b>`タグで太字", "x < y > z だよ",
                                "```\n<div>\n```", "Vec<String>を返す"])
def test_what_only_looks_like_html_is_not(tmp_path: Path, ja: str) -> None:
    assert having(check(tmp_path, commented(0, ja=ja)), "HTML") == []


def test_html_in_the_title_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, make_thread(3, extra={"title_ja": "<b>小さな</b>静的サイト"}))
    assert [(p.level, p.field) for p in problems] == [(ERROR, "title_ja")]
    assert "the title has HTML" in problems[0].message


def test_a_comment_to_review_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, commented(0, needs_review=True))
    assert [(p.level, p.comment_id) for p in problems] == [(WARNING, ID + 1)]
    assert "needs_review" in (problems[0].hint or "")


# ----------------------------------------------------------------------------------- folds

FRONT = f'+++\ntitle = "{TITLE_JA}"\nhnid = {ID}\n+++\n'
QUOTE = '{{<matomeQuote body="なるほど" userName="u" createdAt="2025-02-10T00:00:00">}}\n'
FOLD = '{{< details summary="もっとコメントを表示（1）" >}}\n'


def write_post(folder: Path, body: str) -> Path:
    path = folder / "posts" / "p" / "index.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT + body, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def own_post(post: Path) -> SiteFacts:
    return SiteFacts(posts=(PostFacts(post, ID, TITLE_JA, ("静的サイト", "Python")),))


def test_an_unclosed_fold_is_an_error_at_its_line_in_the_post(tmp_path: Path) -> None:
    post = write_post(tmp_path, f"\n{QUOTE}\n{FOLD}\n{QUOTE}")
    problems = check(tmp_path, make_thread(3), own_post(post))  # found by its hnid
    assert [(p.level, p.field, p.path) for p in problems] == [(ERROR, "post", post)]
    assert "never closed" in problems[0].message
    assert problems[0].line == line_of(post, "details")
    write_post(tmp_path, f"\n{QUOTE}\n{FOLD}\n{QUOTE}\n{{{{< /details >}}}}\n")
    assert check(tmp_path, make_thread(3), own_post(post)) == []


def test_an_empty_fold_is_an_error_at_its_line_in_the_post(tmp_path: Path) -> None:
    post = write_post(tmp_path, f"\n{QUOTE}\n\n{FOLD}\n\n{{{{< /details >}}}}\n")
    problems = check(tmp_path, make_thread(3), NEW_SITE, post=post)  # named by the studio
    assert [(p.level, p.field, p.path) for p in problems] == [(ERROR, "post", post)]
    assert "is empty" in problems[0].message
    assert problems[0].line == line_of(post, "details")
    write_post(tmp_path, f"\n{QUOTE}\n")
    assert check(tmp_path, make_thread(3), NEW_SITE, post=post) == []


def test_a_post_not_written_yet_is_not_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "posts" / "gone" / "index.md"
    assert check(tmp_path, make_thread(3), own_post(missing)) == []


# ------------------------------------------------------------------------------ duplicates


def test_two_posts_of_the_same_hn_id_are_an_error(tmp_path: Path) -> None:
    first, second = (tmp_path / "posts" / name / "index.md" for name in ("a", "b"))
    facts = SiteFacts(posts=(PostFacts(first, ID, TITLE_JA), PostFacts(second, ID, TITLE_JA)),
                      root=tmp_path)
    problems = check(tmp_path, make_thread(3), facts)
    assert [(p.level, p.field) for p in problems] == [(ERROR, "post")]  # not the same title
    assert problems[0].message == (f"2 posts are made from this thread (hnid = {ID}): "
                                   "posts/a/index.md, posts/b/index.md")
    assert problems[0].hint and "delete the others" in problems[0].hint
    # the post the studio shows, and one more
    problems = check(tmp_path, make_thread(3), SiteFacts(posts=facts.posts[1:], root=tmp_path),
                     post=first)
    assert [(p.level, p.message.split(":")[0]) for p in problems] == [
        (ERROR, f"2 posts are made from this thread (hnid = {ID})")]
    assert check(tmp_path, make_thread(3), SiteFacts(posts=facts.posts[:1])) == []


def test_another_post_with_the_same_title_is_an_error(tmp_path: Path) -> None:
    other = tmp_path / "posts" / "other" / "index.md"
    facts = SiteFacts(posts=(PostFacts(other, 999, "ＡＩの話", ("Python",)),), root=tmp_path)
    problems = check(tmp_path, make_thread(3, extra={"title_ja": "aiの話", "tags": []}), facts)
    assert [(p.level, p.field) for p in problems] == [(ERROR, "title_ja")]
    assert problems[0].message == "another post has the same title: posts/other/index.md"
    assert problems[0].line == key_line(source_of(tmp_path), "title_ja")
    fixed = make_thread(3, extra={"title_ja": "AIの話、その後", "tags": []})
    assert check(tmp_path, fixed, facts) == []


# ------------------------------------------------------------------------------------ tags

def other_posts(tmp_path: Path, settings: Settings | None = None) -> SiteFacts:
    posts = (PostFacts(tmp_path / "a.md", 1, "一つ目", ("Python", "静的サイト")),
             PostFacts(tmp_path / "b.md", 2, "二つ目", ("Python", "Rust", "AI")))
    return SiteFacts(posts=posts, settings=settings or Settings())


def test_a_tag_no_other_post_uses_is_a_warning_naming_the_nearest(tmp_path: Path) -> None:
    thread = make_thread(3, extra={"tags": ["Pythn", "静的サイト"]})
    problems = check(tmp_path, thread, other_posts(tmp_path))
    assert [(p.level, p.field) for p in problems] == [(WARNING, "tags")]
    assert problems[0].message == "tag 'Pythn' is used by no other post"
    assert problems[0].hint == "did you mean Python?"
    assert problems[0].line == key_line(source_of(tmp_path), "tags")
    fixed = make_thread(3, extra={"tags": ["Python", "静的サイト"]})
    assert check(tmp_path, fixed, other_posts(tmp_path)) == []


def test_a_tag_holding_an_existing_one_is_suggested(tmp_path: Path) -> None:
    problems = check(tmp_path, make_thread(3, extra={"tags": ["生成AIツール"]}),
                     other_posts(tmp_path))
    assert [p.hint for p in problems] == ["did you mean AI?"]


def test_a_new_tag_near_nothing_says_so(tmp_path: Path) -> None:
    problems = check(tmp_path, make_thread(3, extra={"tags": ["料理"]}), other_posts(tmp_path))
    assert [p.message for p in problems] == ["tag '料理' is used by no other post"]
    assert "new tag is fine" in (problems[0].hint or "")


def test_a_tag_spelled_differently_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, make_thread(3, extra={"tags": ["python"]}), other_posts(tmp_path))
    assert [p.message for p in problems] == ["tag 'python' is spelled 'Python' on the other posts"]


def test_tags_on_a_new_site_or_through_an_alias_are_fine(tmp_path: Path) -> None:
    assert check(tmp_path, make_thread(3, extra={"tags": ["Pythn"]})) == []
    aliased = other_posts(tmp_path, Settings(tag_aliases={"生成AI": "AI"}))
    assert check(tmp_path, make_thread(3, extra={"tags": ["生成AI"]}), aliased) == []
    assert check(tmp_path, make_thread(3, extra={"tags": "Python、Rust"}),
                 other_posts(tmp_path)) == []


def test_only_other_posts_count_for_a_tag(tmp_path: Path) -> None:
    mine = PostFacts(tmp_path / "mine.md", ID, TITLE_JA, ("Pythn",))
    facts = SiteFacts(posts=(*other_posts(tmp_path).posts, mine))
    problems = check(tmp_path, make_thread(3, extra={"tags": ["Pythn"]}), facts)
    assert [p.hint for p in problems] == ["did you mean Python?"]


def test_every_problem_says_where_what_and_what_to_do(tmp_path: Path) -> None:
    thread = make_thread(4, extra={"title_ja": "Ｐｒｏ <i>版</i>", "tags": ["Pythn"]})
    for comment, ja in zip(thread["comments"], ["", "한국어", "<b>x</b>", "a\n\n    b"],
                           strict=True):
        comment["ja"] = ja
    problems = check(tmp_path, thread, other_posts(tmp_path))
    assert len(problems) >= 6
    for problem in problems:
        assert problem.path == tmp_path / f"{ID}.yaml"
        assert problem.line is not None and problem.message and problem.hint, problem
        assert (problem.comment_id is not None) == (problem.field == "ja"), problem


# ------------------------------------------------------------------------- check_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return clean_project(tmp_path / "blog")


def post_of(project: Project, item_id: int) -> Path:
    name = {100: "first", 200: "second"}[item_id]
    return project.posts_dir / "2025_02" / f"2025_02_10_{name}_thread" / "index.md"


def test_check_project_checks_every_thread_in_order(project: Project) -> None:
    assert check_project(project) == {100: [], 200: []}
    comments = thread_yaml.load(project.thread_path(200))["comments"]
    comments[1]["ja"] = "<b>太字</b>"
    edit_thread(project, 200, comments=comments)
    found = check_project(project)
    assert list(found) == [100, 200] and found[100] == []
    assert [(p.level, p.comment_id, p.path) for p in found[200]] == [
        (ERROR, 202, project.thread_path(200))]
    assert list(check_project(project, [200, 100])) == [200, 100]
    assert list(check_project(project, [100])) == [100]


def test_check_project_names_a_thread_not_fetched(project: Project) -> None:
    with pytest.raises(UserError) as caught:
        check_project(project, [100, 999])
    assert caught.value.message == "no thread file for 999"
    assert caught.value.path == project.thread_path(999)
    assert caught.value.hint == "fetch it first: hnmatome fetch 999"


@pytest.mark.parametrize(("data", "message"), [(b"id: [\n", "invalid YAML"),
                                               (b"id: 300\ntitle: \xff\n", "cannot read")])
def test_a_thread_file_that_cannot_be_read_is_one_error(project: Project, data: bytes,
                                                        message: str) -> None:
    project.thread_path(300).write_bytes(data)
    found = check_project(project)
    assert found[100] == [] and found[200] == []
    assert [(p.level, p.path) for p in found[300]] == [(ERROR, project.thread_path(300))]
    assert message in found[300][0].message and found[300][0].hint


def test_check_project_finds_a_copied_post(project: Project) -> None:
    copy = project.posts_dir / "2025_03" / "copy"
    shutil.copytree(post_of(project, 100).parent, copy)
    problems = check_project(project, [100])[100]
    assert [p.level for p in problems] == [ERROR]
    assert problems[0].message.endswith("content/posts/2025_02/2025_02_10_first_thread/index.md, "
                                        "content/posts/2025_03/copy/index.md")


def test_check_project_compares_tags_and_titles_with_the_other_posts(project: Project) -> None:
    edit_thread(project, 200, tags=["Pythn"], title_ja="最初のスレ")
    convert_changed(project)
    messages = [p.message for p in check_project(project, [200])[200]]
    assert messages == ["another post has the same title: "
                        "content/posts/2025_02/2025_02_10_first_thread/index.md",
                        "tag 'Pythn' is used by no other post"]


def settle(path: Path, seconds_ago: int) -> None:
    """Date `path` back, past the window in which the stat cache does not trust a stamp."""
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_the_facts_of_posts_are_cached_by_file_stamp(project: Project,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    post = post_of(project, 100)
    for path in (post, post_of(project, 200)):
        settle(path, 3600)
    assert check_project(project) == {100: [], 200: []}
    assert (project.cache_dir / "check.json").is_file()

    def unread(path: Path) -> list[Any]:
        raise AssertionError(f"{path} read again although unchanged")

    with monkeypatch.context() as patched:  # nothing changed: no post is read for its facts
        patched.setattr(checks, "read_title_and_tags", unread)
        assert check_project(project) == {100: [], 200: []}
    post.write_text(post.read_text(encoding="utf-8").replace('title = "最初のスレ"',
                                                             'title = "二つ目のスレ"'),
                    encoding="utf-8")
    settle(post, 1800)
    assert having(check_project(project, [200])[200], "same title")


def test_a_fold_left_open_by_a_hand_edit_is_found_in_the_project(project: Project) -> None:
    post = post_of(project, 100)
    text = post.read_text(encoding="utf-8")
    post.write_text(text + '\n{{< details summary="x" >}}\n', encoding="utf-8")
    problems = check_project(project, [100])[100]
    assert [(p.level, p.path, p.line) for p in problems] == [
        (ERROR, post, len(text.splitlines()) + 2)]
