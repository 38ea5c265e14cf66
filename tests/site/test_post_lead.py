"""The lead of a post's body (markup/lead.py): the title quote and the source line the header
shows instead."""

from __future__ import annotations

from hnmatome.site.markup.lead import post_lead

HN = "https://news.ycombinator.com/item?id=1"
SOURCE = f'<p>引用元：<a href="{HN}">{HN}</a></p>\n'
CARD = '<article class="mq">…</article>\n'


def test_title_quote_and_source_line_move_to_the_header() -> None:
    body = f"<blockquote>\n<p>A &amp; B の話</p>\n</blockquote>\n{SOURCE}{CARD}"
    lead = post_lead(body, "A & B の話", "")
    assert (lead.body, lead.url, lead.label) == (CARD, HN, "Hacker News のスレッド")


def test_title_compared_as_read() -> None:
    body = "<blockquote>\n<p>ＡＩ  の話 </p>\n</blockquote>\n" + CARD
    assert post_lead(body, "AI の話", "").body == CARD  # width and spaces do not matter
    assert post_lead(body, "別の題", "").body == body


def test_a_quote_that_is_not_the_title_stays_and_the_source_after_it_is_found() -> None:
    quote = "<blockquote>\n<p>別の一文</p>\n</blockquote>\n"
    lead = post_lead(quote + SOURCE + CARD, "題", "")
    assert (lead.body, lead.url) == (quote + CARD, HN)


def test_hnid_wins_and_a_different_source_line_stays() -> None:
    other = "https://news.ycombinator.com/item?id=2"
    lead = post_lead(SOURCE + CARD, "題", other)
    assert (lead.body, lead.url) == (SOURCE + CARD, other)
    assert post_lead(SOURCE + CARD, "題", HN).body == CARD


def test_only_web_addresses_and_only_at_the_start() -> None:
    ftp = '<p>引用元：<a href="ftp://x.org/a">ftp://x.org/a</a></p>\n'
    assert post_lead(ftp + CARD, "題", "").url == ""
    late = CARD + SOURCE
    assert post_lead(late, "題", "") == post_lead(late, "題", "")
    assert (post_lead(late, "題", "").body, post_lead(late, "題", "").url) == (late, "")
    page = '<p>引用元：<a href="https://www.example.com/a">記事</a></p>\n'
    lead = post_lead(page, "題", "")
    assert (lead.body, lead.url, lead.label) == ("", "https://www.example.com/a",
                                                 "引用元（example.com）")
