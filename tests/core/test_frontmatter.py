"""Front matter: TOML and YAML, body offsets, errors that name the line; dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hnmatome.core.dates import comment_time_iso, parse_comment_time, parse_date
from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import key_line, parse_front_matter, with_key

TOKYO = ZoneInfo("Asia/Tokyo")
PATH = Path("content/posts/x/index.md")


def test_toml_front_matter_and_body_line() -> None:
    text = "+++\ntitle = 'タイトル'\ndraft = false\ntags = ['AI', 'C++']\n+++\n\n本文\n"
    meta, body, body_line = parse_front_matter(text, PATH)
    assert meta == {"title": "タイトル", "draft": False, "tags": ["AI", "C++"]}
    assert body == "\n本文\n"
    assert text.splitlines()[body_line - 1] == ""  # the line right after the closing +++
    assert body_line == 6


def test_yaml_front_matter() -> None:
    text = "---\ntitle: \"Hello: world\"\ndate: 2025-02-10\nextra: [1, 2]\n---\nbody\n"
    meta, body, body_line = parse_front_matter(text, PATH)
    assert meta["title"] == "Hello: world"
    assert meta["date"] == dt.date(2025, 2, 10)
    assert meta["extra"] == [1, 2]
    assert (body, body_line) == ("body\n", 6)


def test_no_front_matter_is_all_body() -> None:
    assert parse_front_matter("# Title\n\ntext\n", PATH) == ({}, "# Title\n\ntext\n", 1)


def test_empty_front_matter_and_crlf_and_bom() -> None:
    meta, body, line = parse_front_matter("\ufeff+++\r\n+++\r\nbody\r\n", PATH)
    assert (meta, body, line) == ({}, "body\r\n", 3)


def test_closing_delimiter_must_be_alone_on_its_line() -> None:
    text = "+++\ntitle = 'a'\n+++ not the end\n+++\nbody"
    with pytest.raises(UserError):  # '+++ not the end' is TOML garbage, not a delimiter
        parse_front_matter(text, PATH)
    meta, body, _ = parse_front_matter("---\nnote: |\n  ---x\n---\nbody", PATH)
    assert meta == {"note": "---x\n"}
    assert body == "body"


def test_toml_error_names_file_and_line() -> None:
    text = "+++\ntitle = 'ok'\ndate = 2025-02-10T00:00:00\ntags = [\"a\", \n+++\nbody"
    with pytest.raises(UserError) as caught:
        parse_front_matter(text, PATH)
    assert caught.value.path == PATH
    assert caught.value.line is not None and caught.value.line >= 4
    assert "TOML" in caught.value.message


def test_toml_error_line_for_an_unquoted_string() -> None:
    text = "+++\ntitle = 'ok'\ndraft = false\nslug = hello world\n+++\n"
    with pytest.raises(UserError) as caught:
        parse_front_matter(text, PATH)
    assert caught.value.line == 4  # the file line of `slug = hello world`


def test_yaml_error_names_line() -> None:
    text = "---\ntitle: ok\ntags: [a, b\ndraft: false\n---\n"
    with pytest.raises(UserError) as caught:
        parse_front_matter(text, PATH)
    assert caught.value.line is not None and caught.value.line >= 3
    assert "YAML" in caught.value.message


@pytest.mark.parametrize(("text", "line"), [
    ("---\ntitle: ok\ndate: 2025-02-10\nslug\ndraft: false\n---\nbody\n", 4),  # no ':'
    ("---\ntitle: ok\nslug\n---\nbody\n", 3),  # the same on the last line
    ("---\ntitle: 'unclosed\ndraft: false\n---\n", 2),  # where the quote opens
    ("---\ntitle: ok\ntags: [a, b\ndraft: false\n---\n", 3),  # the list never closed
    ("---\ntitle: ok\ntags: [a,\n  b\n\ndraft: false\n---\n", 4),  # ... over two lines
    ("---\ntitle: ok\ntags: [a, b\n---\n", 3),
    ("---\ntitle: ok\nnote: a: b\n---\n", 3),  # a value with ':' needs quotes
    ("---\na: 1\nb:\n  - x\n - y\n---\n", 5),  # bad indentation
])
def test_yaml_error_names_the_line_of_the_mistake(text: str, line: int) -> None:
    with pytest.raises(UserError) as caught:
        parse_front_matter(text, PATH)
    assert caught.value.line == line, caught.value


def test_a_control_character_in_yaml_is_an_error_with_its_line() -> None:
    with pytest.raises(UserError) as caught:
        parse_front_matter("---\ntitle: ok\nnote: a\x07b\n---\n", PATH)
    assert (caught.value.path, caught.value.line) == (PATH, 3)


def test_yaml_must_be_a_mapping() -> None:
    with pytest.raises(UserError, match="mapping"):
        parse_front_matter("---\n- a\n- b\n---\n", PATH)


def test_unclosed_front_matter() -> None:
    with pytest.raises(UserError, match="never closed") as caught:
        parse_front_matter("+++\ntitle = 'x'\n\nbody without end\n", PATH)
    assert caught.value.line == 1
    with pytest.raises(UserError, match="never closed"):
        parse_front_matter("+++", PATH)


def test_key_line() -> None:
    head = "+++\ntitle = 'a'\n  Date = '2025'\n'hnid' = 3\n+++\n"
    assert key_line(head, "date") == 3
    assert key_line(head, "hnid") == 4
    assert key_line(head, "tags") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-10T00:00:00", dt.datetime(2025, 2, 10, tzinfo=TOKYO)),
        ("2025-02-10", dt.datetime(2025, 2, 10, tzinfo=TOKYO)),
        ("2025-02-10 08:30:00", dt.datetime(2025, 2, 10, 8, 30, tzinfo=TOKYO)),
        ("2025/02/10", dt.datetime(2025, 2, 10, tzinfo=TOKYO)),
        ("2025-02-10T08:38:56Z", dt.datetime(2025, 2, 10, 8, 38, 56, tzinfo=dt.UTC)),
        ("2025-02-10T09:00:00+09:00",
         dt.datetime(2025, 2, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))),
        (dt.date(2025, 2, 10), dt.datetime(2025, 2, 10, tzinfo=TOKYO)),
        (dt.datetime(2025, 2, 10, 1, 2, 3), dt.datetime(2025, 2, 10, 1, 2, 3, tzinfo=TOKYO)),
    ],
)
def test_parse_date(value: object, expected: dt.datetime) -> None:
    parsed = parse_date(value, TOKYO, PATH)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_parse_date_from_toml_keeps_offsets() -> None:
    meta, _, _ = parse_front_matter(
        "+++\na = 2025-02-10T00:00:00\nb = 2025-02-10T00:00:00Z\nc = 2025-02-10\n+++\n", PATH)
    a, b, c = (parse_date(meta[k], TOKYO, PATH) for k in "abc")
    assert a.utcoffset() == dt.timedelta(hours=9)
    assert b.utcoffset() == dt.timedelta(0)
    assert c == a


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", 12, None, True, ""])
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(UserError) as caught:
        parse_date(value, TOKYO, PATH, line=7)
    assert (caught.value.path, caught.value.line) == (PATH, 7)
    assert caught.value.hint


def test_comment_times_in_both_corpus_formats() -> None:
    assert parse_comment_time("2025-02-10T08:38:56") == dt.datetime(2025, 2, 10, 8, 38, 56,
                                                                    tzinfo=dt.UTC)
    assert parse_comment_time("2025/09/27 15:01:17") == dt.datetime(2025, 9, 27, 15, 1, 17,
                                                                    tzinfo=dt.UTC)
    assert parse_comment_time("昨日") is None
    assert comment_time_iso("2025/09/27 15:01:17") == "2025-09-27T15:01:17Z"
    assert comment_time_iso("2025-02-10T08:38:56") == "2025-02-10T08:38:56Z"
    assert comment_time_iso("2025-02-10T08:38:56+09:00") == "2025-02-10T08:38:56+09:00"
    assert comment_time_iso("nope") == ""


@pytest.mark.parametrize(("text", "key", "value", "expected"), [
    # found whatever its case, as Hugo reads keys; one line, the rest as written
    ("+++\nDraft = true  # review first\ntitle = 'a'\n+++\nbody\n", "draft", False,
     "+++\ndraft = false  # review first\ntitle = 'a'\n+++\nbody\n"),
    ("---\nfeatureimage: 'x # y.png'  # mine\n---\n", "featureimage", "card.png",
     "---\nfeatureimage: card.png  # mine\n---\n"),
    # a string the TOML literal cannot hold is written as a basic string
    ("+++\ntitle = 'a'\n+++\n", "featureimage", "it's.png",
     "+++\ntitle = 'a'\nfeatureimage = \"it's.png\"\n+++\n"),
    ("---\ntitle: a\n---\n", "featureimage", "a: b.png",
     '---\ntitle: a\nfeatureimage: "a: b.png"\n---\n'),
    # a front matter never closed is not touched
    ("+++\ntitle = 'a'\nbody\n", "draft", True, "+++\ntitle = 'a'\nbody\n"),
])
def test_with_key_edits_one_line_of_the_front_matter(text: str, key: str, value: str | bool,
                                                      expected: str) -> None:
    assert with_key(text, key, value) == expected
    if expected != text:
        meta, _, _ = parse_front_matter(expected, Path("x.md"))
        assert meta[key] == value
