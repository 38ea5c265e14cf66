"""The wire contract: what is accepted from the model and what is not."""

from __future__ import annotations

import json

import pytest

from hnmatome.translate.japanese import has_japanese, needs_japanese, stray_script
from hnmatome.translate.llm_contract import (
    COMMENTS_SCHEMA,
    CommentAnswer,
    CommentSource,
    ContractError,
    ThreadContext,
    chat_payload,
    comments_messages,
    estimate_tokens,
    parse_comments_answer,
    parse_json_text,
    parse_title_answer,
    prefer_existing_tags,
    reask_messages,
)

CHUNK = (CommentSource(1, "Rust is great for this."), CommentSource(2, "I disagree, Go is fine."))
CONTEXT = ThreadContext("Show HN: A tiny database", "https://example.com", "", ("first",))


def answer(*items: dict) -> str:
    return json.dumps({"comments": list(items)}, ensure_ascii=False)


def item(comment_id: int, ja: str = "それいいね", score: object = 50) -> dict:
    return {"id": comment_id, "ja": ja, "score": score}


def test_a_correct_answer_is_accepted_in_any_order() -> None:
    parsed = parse_comments_answer(answer(item(2, " Goで十分だよ "), item(1, score=0)), CHUNK)
    assert parsed == (CommentAnswer(2, "Goで十分だよ", 50), CommentAnswer(1, "それいいね", 0))


@pytest.mark.parametrize("content, reason", [
    ("not json at all", "not valid JSON"),
    ('{"comments": [', "not valid JSON"),
    ("[]", "must be a JSON object"),
    (json.dumps({"comments": [], "note": "x"}), r"unexpected \['note'\]"),
    (json.dumps({"items": []}), r"missing \['comments'\]"),
    (json.dumps({"comments": {}}), "must be a list"),
    (answer(item(1)), r"not answered: \[2\]"),
    (answer(item(1), item(2), item(3)), "id 3 was not sent"),
    (answer(item(1), item(1), item(2)), r"more than once: \[1\]"),
    (answer(item(1), {**item(2), "extra": 1}), "unexpected"),
    (answer(item(1), {"id": 2, "ja": "だよ"}), "missing"),
    (answer(item(1), item(True)), "must be an integer"),
    (answer(item(1), {"id": "2", "ja": "だよ", "score": 1}), "must be an integer"),
    (answer(item(1), item(2, score=101)), "0-100"),
    (answer(item(1), item(2, score=-1)), "0-100"),
    (answer(item(1), item(2, score=50.0)), "0-100"),
    (answer(item(1), item(2, score=True)), "0-100"),
    (answer(item(1), item(2, score="50")), "0-100"),
    (answer(item(1), item(2, ja=None)), "must be a string"),
    (answer(item(1), item(2, ja="")), "empty"),
    (answer(item(1), item(2, ja="I disagree, Go is fine.")), "not Japanese"),
    (answer(item(1), item(2, ja="Goでпривет")), "CYRILLIC"),
    (answer(item(1), item(2, ja="Go는 괜찮아")), "HANGUL"),
    (answer(item(1), item(2, ja="Goでいいよ ｱｲ ﾾ")), "HALFWIDTH HANGUL"),
    (answer(item(1), item(2, ja="Goはλで")), "GREEK"),
    (answer(item(1), item(2, ja="Goはمرحباだよ")), "ARABIC"),
])
def test_contract_violations_are_rejected(content: str, reason: str) -> None:
    with pytest.raises(ContractError, match=reason):
        parse_comments_answer(content, CHUNK)


URL_CHUNK = (CommentSource(3, "Read https://example.com/a_(b)?x=1&y=2, and https://b.org/p."),)


@pytest.mark.parametrize("ja, reason", [
    ("https://example.com/a_(b)?x=1&y=2 と https://b.org/p を読んでね", None),
    ("https://example.com/a_(b)?x=1&y=2だよ、あとhttps://b.org/p。", None),
    ("https://example.com/a_(b) と https://b.org/p を読んでね", "not in the comment"),
    ("https://example.com/a_(b)?x=1&y=2 を読んでね", "dropped URLs"),
    ("https://example.com/a_(b)?x=1&y=2 https://b.org/p https://evil.example/ だよ",
     "not in the comment"),
    ("https://example.com/a_(b)?x=1&y=2 https://b.org/p " + "長い" * 201, "summarise"),
])
def test_urls_are_kept_whole_and_answers_stay_short(ja: str, reason: str | None) -> None:
    content = answer(item(3, ja))
    if reason is None:
        assert parse_comments_answer(content, URL_CHUNK)[0].ja == ja
    else:
        with pytest.raises(ContractError, match=reason):
            parse_comments_answer(content, URL_CHUNK)


def test_fenced_and_wrapped_json_is_read() -> None:
    body = answer(item(1), item(2))
    assert parse_json_text(f"```json\n{body}\n```") == json.loads(body)
    assert parse_json_text(f"Here you go:\n```\n{body}\n```\nBye") == json.loads(body)
    assert parse_json_text(f"Sure! {body} Hope it helps.") == json.loads(body)


def test_foreign_script_in_the_source_may_stay() -> None:
    chunk = (CommentSource(5, "In Russian we say привет, in Greek λ is lambda."),)
    parsed = parse_comments_answer(answer(item(5, "ロシア語だとпривет、λはラムダだよ")), chunk)
    assert parsed[0].ja.startswith("ロシア語")


@pytest.mark.parametrize("ja", [
    "RustのBorrow checkerは最高だよ😀 https://example.com/a?b=1&c=2 ｗ ＡＢＣ",
    "café の Zoë さんが言うには、〆切は々だね ①②",
])
def test_japanese_with_latin_proper_nouns_emoji_and_full_width_is_fine(ja: str) -> None:
    assert stray_script(ja) is None and has_japanese(ja)


def test_a_link_only_comment_may_come_back_as_the_link() -> None:
    chunk = (CommentSource(9, "https://example.com/paper.pdf"),)
    assert not needs_japanese(chunk[0].text)
    parsed = parse_comments_answer(answer(item(9, "https://example.com/paper.pdf")), chunk)
    assert parsed[0].ja == "https://example.com/paper.pdf"


def title(text: str, tags: object = ("AI",)) -> str:
    return json.dumps({"title": text, "tags": list(tags) if isinstance(tags, tuple) else tags},
                      ensure_ascii=False)


def test_title_answer_is_accepted_and_tags_cleaned() -> None:
    parsed = parse_title_answer(
        title("  RustでO'Reillyも驚く小さなDBを作ったよ ",
              ("AI", "ai", " データベース ", "", "Rust", "OSS", "開発", "個人開発")),
        CONTEXT)
    assert parsed.title == "RustでO'Reillyも驚く小さなDBを作ったよ"
    assert parsed.tags == ("AI", "データベース", "Rust", "OSS", "開発")


@pytest.mark.parametrize("content, reason", [
    (title("Show HN: 小さなDB"), "Show HN"),
    (title("Ask HNで聞いてみた"), "Ask HN"),
    (title("これはShowHNだよ"), "Show HN"),
    (title("「小さなDB」を作った"), "brackets or quotes"),
    (title("【速報】小さなDB"), "brackets or quotes"),
    (title('"小さな"DB'), "brackets or quotes"),
    (title("'小さな'DB"), "brackets or quotes"),
    (title("A tiny database"), "not Japanese"),
    (title(""), "empty"),
    (title("小さなDB", []), "at least one tag"),
    (title("小さなDB", "AI"), "list of strings"),
    (title("小さなDB", ["데이터"]), "HANGUL"),
    (title("小さなDB", ["x" * 41]), "longer than"),
    (json.dumps({"title": "小さなDB", "tags": [], "extra": 1}), "unexpected"),
    (json.dumps({"title": 5, "tags": ["AI"]}), "must be a string"),
])
def test_bad_titles_are_rejected(content: str, reason: str) -> None:
    with pytest.raises(ContractError, match=reason):
        parse_title_answer(content, CONTEXT)


def test_tags_take_the_sites_spelling() -> None:
    existing = ("AI", "データベース", "Rust")
    assert prefer_existing_tags(("ai", "ＡＩ", "rust", "新タグ"), existing) == (
        "AI", "Rust", "新タグ")


def test_payload_modes() -> None:
    messages = comments_messages("SYSTEM", CONTEXT, CHUNK)
    schema = chat_payload("m", 0.2, messages, "json_schema", "comments", COMMENTS_SCHEMA)
    assert schema["response_format"]["json_schema"]["strict"] is True
    assert chat_payload("m", 0.2, messages, "json_object", "c", {})["response_format"] == {
        "type": "json_object"}
    assert "response_format" not in chat_payload("m", 0.2, messages, "text", "c", {})
    user = json.loads(messages[1]["content"])
    assert user["comments"] == [{"id": 1, "text": CHUNK[0].text}, {"id": 2, "text": CHUNK[1].text}]
    assert user["thread"]["title"] == CONTEXT.title and user["context"] == ["first"]


def test_reask_echoes_the_answer_and_the_reason() -> None:
    messages = reask_messages([{"role": "user", "content": "q"}], "bad", "why: {reason}", "R")
    assert messages[-2:] == [{"role": "assistant", "content": "bad"},
                             {"role": "user", "content": "why: R"}]


def test_token_estimate_is_in_the_right_range() -> None:
    assert 20 <= estimate_tokens("word " * 20) <= 30
    assert 90 <= estimate_tokens("日本語" * 33) <= 110
