"""load_content: which files are pages, their typed fields, and collected errors."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.core.settings import Settings
from hnmatome.site.content import load_content, load_section_titles

SETTINGS = Settings()

SEED_LIKE = """+++
date = '2025-02-10T00:00:00'
months = '2025/02'
draft = false
title = 'ChatGPTを徹底解説！'
tags = ["AI", "ChatGPT", "Andrej Karpathy"]
featureimage = 'thumbnails/blue4.jpg'
hnid = 42997340
series = "LLM入門"
+++

> ChatGPTを徹底解説！

{{<matomeQuote body="本文" userName="albert_e" createdAt="2025-02-10T08:38:56" color="#ff33a1">}}
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write(root, "posts/2025_02/2025_02_10_seed/index.md", SEED_LIKE)
    write(root, "posts/hello.md", "---\ntitle: Hello\ndate: 2025-03-01T10:00:00+00:00\n"
                                  "tags: solo\nmonths: [2025/03]\nslug: hi\n---\n# Hi\n")
    write(root, "about.md", "+++\ntitle = 'このブログについて'\n+++\n本文\n")
    write(root, "posts/_index.md", "+++\ntitle = '記事一覧'\n+++\n")
    write(root, "_index.md", "+++\ntitle = 'ホーム'\n+++\n")
    write(root, "threads/42997340.yaml", "id: 42997340\n")
    write(root, "threads/notes.md", "not a page\n")
    write(root, "queue.txt", "42997340\n")
    write(root, "posts/2025_02/2025_02_10_seed/cover.png", "png")
    # a leaf bundle's other files are resources, not pages (as in Hugo)
    write(root, "posts/2025_02/2025_02_10_seed/notes.md", "+++\ntitle = 'resource'\n+++\n")
    write(root, "posts/2025_02/2025_02_10_seed/extra/deep.md", "+++\ntitle = 'deep'\n+++\n")
    return root


def test_loads_posts_and_pages_only(content: Path) -> None:
    pages = load_content(content, SETTINGS)
    assert [p.rel for p in pages] == [
        "about.md", "posts/2025_02/2025_02_10_seed/index.md", "posts/hello.md"]


def test_bundle_post_fields(content: Path) -> None:
    page = {p.rel: p for p in load_content(content, SETTINGS)}[
        "posts/2025_02/2025_02_10_seed/index.md"]
    assert page.path == content / page.rel
    assert (page.section, page.kind, page.bundle) == ("posts", "post", True)
    assert page.title == "ChatGPTを徹底解説！"
    assert page.date == dt.datetime(2025, 2, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert page.lastmod is None
    assert page.draft is False
    assert page.tags == ("AI", "ChatGPT", "Andrej Karpathy")
    assert page.months == ("2025/02",)
    assert page.featureimage == "thumbnails/blue4.jpg"
    assert page.hnid == 42997340
    assert page.meta["series"] == "LLM入門"  # unknown keys are kept for templates
    assert page.body.startswith("\n> ChatGPTを徹底解説！")
    assert page.body_line == 11
    assert len(page.source_hash) == 32


def test_pages_pickle_and_meta_is_read_only(content: Path) -> None:
    pages = load_content(content, SETTINGS)
    assert pickle.loads(pickle.dumps(pages)) == pages
    with pytest.raises(TypeError):
        pages[0].meta["title"] = "changed"  # type: ignore[index]


def test_single_file_post_and_page(content: Path) -> None:
    pages = {p.rel: p for p in load_content(content, SETTINGS)}
    hello = pages["posts/hello.md"]
    assert (hello.section, hello.kind, hello.bundle) == ("posts", "post", False)
    assert hello.tags == ("solo",)  # a single string is a one-element list
    assert hello.months == ("2025/03",)
    assert hello.slug == "hi"
    assert hello.date == dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)
    about = pages["about.md"]
    assert (about.section, about.kind, about.bundle) == ("", "page", False)
    assert about.title == "このブログについて"
    assert about.date is None and about.hnid is None and about.tags == ()


def test_site_timezone_setting_applies(content: Path) -> None:
    settings = Settings(timezone="UTC")
    page = {p.rel: p for p in load_content(content, settings)}[
        "posts/2025_02/2025_02_10_seed/index.md"]
    assert page.date == dt.datetime(2025, 2, 10, tzinfo=ZoneInfo("UTC"))


def test_source_hash_follows_bytes(content: Path) -> None:
    before = {p.rel: p.source_hash for p in load_content(content, SETTINGS)}
    write(content, "about.md", "+++\ntitle = 'このブログについて'\n+++\n本文!\n")
    after = {p.rel: p.source_hash for p in load_content(content, SETTINGS)}
    assert before["about.md"] != after["about.md"]
    assert before["posts/hello.md"] == after["posts/hello.md"]


def test_front_matter_keys_are_case_insensitive(tmp_path: Path) -> None:
    write(tmp_path, "posts/a.md", "+++\nTitle = 'A'\nfeatureImage = 'x.jpg'\nDraft = true\n+++\n")
    page = load_content(tmp_path, SETTINGS)[0]
    assert (page.title, page.featureimage, page.draft) == ("A", "x.jpg", True)


def test_section_titles(content: Path) -> None:
    assert load_section_titles(content) == {"": "ホーム", "posts": "記事一覧"}


def test_all_errors_collected_with_file_and_line(tmp_path: Path) -> None:
    bad_date = write(tmp_path, "posts/a.md", "+++\ntitle = 'a'\ndate = 'someday'\n+++\n")
    bad_toml = write(tmp_path, "posts/b/index.md", "+++\ntitle = 'b\n+++\n")
    bad_tags = write(tmp_path, "posts/c.md", "---\ntags: {a: 1}\n---\n")
    bad_draft = write(tmp_path, "posts/d.md", "+++\n\ndraft = 'maybe'\n+++\n")
    bad_hnid = write(tmp_path, "posts/e.md", "+++\nhnid = 'abc'\n+++\n")
    write(tmp_path, "posts/ok.md", "+++\ntitle = 'fine'\n+++\n")
    with pytest.raises(UserErrors) as caught:
        load_content(tmp_path, SETTINGS)
    errors = {e.path: e for e in caught.value.errors}
    assert set(errors) == {bad_date, bad_toml, bad_tags, bad_draft, bad_hnid}
    assert errors[bad_date].line == 3
    assert errors[bad_toml].line in (2, 3)  # tomllib reports an open string at the next line
    assert errors[bad_tags].line == 2
    assert errors[bad_draft].line == 3
    assert errors[bad_hnid].line == 2
    report = str(caught.value)
    assert f"{bad_date}:3:" in report and "someday" in report


def test_not_utf8_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "posts" / "latin1.md"
    path.parent.mkdir(parents=True)
    path.write_bytes("+++\ntitle = 'café'\n+++\n".encode("latin-1"))
    with pytest.raises(UserError, match="UTF-8"):
        load_content(tmp_path, SETTINGS)


def test_a_page_from_the_table_names_its_file_where_the_project_is_now(content: Path,
                                                                       tmp_path: Path) -> None:
    import shutil

    from hnmatome.site.content import load_pages

    rel = "posts/2025_02/2025_02_10_seed/index.md"
    digests = {rel: "d"}
    table: dict = {}
    first = load_pages(content, SETTINGS, digests, [rel], table)
    assert first.pages[0].path == content / rel
    moved = shutil.copytree(content, tmp_path / "moved" / "content")
    table = pickle.loads(pickle.dumps(table))  # as the build cache keeps it
    again = load_pages(moved, SETTINGS, {rel: first.pages[0].source_hash}, [rel], table)
    assert rel in again.without_body  # parsed before: from the table
    assert again.pages[0].path == moved / rel and again.pages[0].title == "ChatGPTを徹底解説！"
