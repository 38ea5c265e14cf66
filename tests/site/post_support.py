"""A small site with a long post as the converter writes it (a title quote, a `引用元` line and
no hnid, as every corpus post; comments in both `createdAt` forms, with paragraphs; two folds
in a row), for the post-page tests, and a static server for the browser tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from site_support import make_project, write_post
from site_support import serving as static_serving

TITLE = "長いスレッドの翻訳まとめ"
LONG = "/posts/2025_06/long_thread/"
OTHER = "/posts/2025_06/hand_written/"
HN = "https://news.ycombinator.com/item?id=44350000"
FIRST_FOLD, SECOND_FOLD = 30, 23  # cards in the converter's two folds


def card(body: str, user: str, created: str = "2025-06-23T16:57:00", depth: int = 0,
         color: str = "") -> str:
    return (f'{{{{<matomeQuote body="{body}" userName="{user}" createdAt="{created}" '
            f'color="{color}" depth="{depth}">}}}}\n\n')


def _fold(number: int, cards: int) -> str:
    inner = "".join(card(f"畳まれたコメント{number}-{n}。" * 8, f"folded{number}_{n}",
                         depth=n % 3) for n in range(cards))
    opening = f'{{{{< details summary="もっとコメントを表示（{number}）">}}}}'
    return f"{opening}\n\n{inner}{{{{</details>}}}}\n\n"


def long_thread() -> str:
    body = f"> {TITLE}\n\n引用元：[{HN}]({HN})\n\n"
    # a blank line (two <br>) between paragraphs, as the converter writes them; the time in
    # UTC in the ISO form (2025-06-23 16:57 UTC is 6月24日 01:57 in Tokyo)
    body += card("一段落目の文。" * 6 + "<br>同じ段落の二行目。<br><br>二段落目の文。" * 3,
                 "para_writer", color="#ff33a1")
    # the older corpus form: one <br> between paragraphs, `YYYY/MM/DD hh:mm:ss` (UTC)
    body += card("最初の段落。<br>次の段落。<br>最後の段落。<br>", "corpus_writer",
                 created="2025/06/23 23:05:09", depth=1)
    body += card("https://example.com/" + "a-very-long-path-segment/" * 10 + " を見て。",
                 "linker", depth=2)
    body += card("深い返信。" * 20, "deep", depth=4)
    body += _fold(1, FIRST_FOLD) + _fold(2, SECOND_FOLD)
    # a note after the folds, taller than a phone screen: closing the fold must not leave
    # the reader at the page's bottom
    body += "## あとがき\n\n" + "".join(f"{'締めの段落。' * 30}\n\n" for _ in range(8))
    return body + '[記事一覧へ]({{% ref "/posts/" %}})\n'


def hand_written() -> str:
    """A post with hnid, a quote that is not its title, and folds that are not merged: one
    with a summary of its own, and two comment folds with text between them."""
    return ("> 引用した一文\n\n本文。\n\n"
            '{{< details summary="ネタバレ">}}\n\n' + card("秘密。", "a") + "{{</details>}}\n\n"
            '{{< details summary="もっとコメントを表示（1）">}}\n\n' + card("一。", "b")
            + "{{</details>}}\n\n間の文。\n\n"
            '{{< details summary="もっとコメントを表示（2）">}}\n\n' + card("二。", "c")
            + "{{</details>}}\n")


def post_site(root: Path) -> Path:
    project = make_project(root)
    content = project / "content"
    write_post(content, "posts/2025_06/long_thread/index.md", title=TITLE, date="2025-06-24",
               months="2025/06", tags=["AI"], body=long_thread(),
               extra={"featureimage": "'photo.jpg'"})  # a person's picture, in the bundle
    (content / "posts/2025_06/long_thread/photo.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    write_post(content, "posts/2025_06/hand_written/index.md", title="手書きの記事",
               date="2025-06-20", months="2025/06", tags=["AI"], body=hand_written(),
               extra={"hnid": "44350001", "featureimage": "'thumbnails/blue4.jpg'"})
    return project


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1; yields its root URL (without the final slash)."""
    with static_serving(folder) as url:
        yield url.rstrip("/")
