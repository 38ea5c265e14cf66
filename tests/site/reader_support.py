"""A small Japanese site for the reader-feature tests (search, social cards, feeds, navigation)."""

from __future__ import annotations

from pathlib import Path

from site_support import make_project, write_post

BASE_URL = "https://matome.example.jp/blog/"


def quote(body: str, user: str, color: str = "", depth: int = 0) -> str:
    return (f'{{{{<matomeQuote body="{body}" userName="{user}" '
            f'createdAt="2025-02-10T08:38:56" color="{color}" depth="{depth}">}}}}\n\n')


def _long_thread() -> str:
    body = "> 新幹線で働く\n\n"
    body += quote("新幹線の車内で仕事をするのが好きだ。トンネルが多いのが難点。", "rail_fan",
                  "#ff5c5c")
    body += quote("トンネルでも使えるようにローカルで動かしている。", "local", depth=1)
    body += quote("それは電池が持たないのでは？", "battery", depth=2)
    body += quote("https://example.com/" + "very-long-path/" * 12 + " を見て。", "linker")
    body += '{{< details summary="もっとコメントを表示（1）">}}\n\n'
    body += "".join(quote("車窓の景色について。" * 30, f"user{n}") for n in range(12))
    body += "{{< /details >}}\n"
    return body


POSTS = (
    # rel, title, date, tags, body, extra front matter
    ("posts/2025_02/shinkansen/index.md", "新幹線で仕事をする人たち", "2025-02-10",
     ("鉄道", "新幹線", "旅行"), _long_thread(),
     {"featureimage": "'thumbnails/blue4.jpg'", "hnid": "42997340"}),
    ("posts/2025_02/linear/index.md", "リニア中央新幹線の遅れ", "2025-02-12",
     ("鉄道", "新幹線"),
     # as the corpus writes it: no hnid, the thread cited at the top of the body
     "引用元：[https://news.ycombinator.com/item?id=42990000]"
     "(https://news.ycombinator.com/item?id=42990000)\n\n"
     + quote("リニアはいつ開業するのか。", "maglev"),
     {"featureimage": "'thumbnails/green1.jpg'"}),
    ("posts/2025_02/travel/index.md", "鉄道旅行のすすめ", "2025-02-14",
     ("鉄道", "旅行"), quote("新しい路線に乗るのが楽しい。", "traveler"), {}),
    ("posts/2025_03/genai/index.md", "生成AIで変わる仕事", "2025-03-01",
     ("AI", "生成AI"), quote("生成AIのおかげで資料作りが速くなった。", "worker"), {}),
    ("posts/2025_03/cooking/index.md", "AIに料理を教わる", "2025-03-02",
     ("AI", "料理"), quote("人生で初めてパンを焼いた。生地がよく膨らんだ。", "baker"), {}),
    ("posts/2025_03/bread/index.md", "パン作りの科学", "2025-03-03",
     ("料理",), quote("生活の中で発酵を学ぶ。生まれて初めての成功。", "science"), {}),
    ("posts/2025_03/inject/index.md", 'タイトル</script><script>alert(1)</script> "引用"',
     "2025-03-04", ("セキュリティ",),
     quote("&lt;img src=x onerror=alert(1)&gt; 危険な入力の話。", "attacker"), {}),
)


def reader_site(root: Path, settings: str = "") -> Path:
    """The project at `root`: the posts above and an about page."""
    project = make_project(root, base_url=BASE_URL,
                           settings='description = "海外の反応まとめ"\n' + settings)
    content = project / "content"
    for rel, title, date, tags, body, extra in POSTS:
        write_post(content, rel, title=title, date=date, tags=tags, months=date[:7].replace(
            "-", "/"), body=body, extra=extra)
    (content / "about.md").write_text("+++\ntitle = 'このブログについて'\n+++\n紹介です。\n",
                                      encoding="utf-8")
    return project


def public_file(root: Path, site_path: str) -> Path:
    return root / "public" / site_path.strip("/") / ("index.html" if site_path.endswith("/")
                                                     else "")


RANSOM = "/posts/2025_04/ransom/"
# Every phrase fits a 320 px line: a title wraps between phrases, not inside one.
RANSOM_TITLE = "ランサムウェアの被害でエンジニアリング部門が止まった話"


def typography_site(root: Path) -> Path:
    """The reader site plus a post with a long Japanese title, whose first comment breaks its
    lines with a literal full-width ＜br/＞ (as some corpus bodies do), and a heading with text
    below it."""
    project = reader_site(root)
    write_post(project / "content", "posts/2025_04/ransom/index.md", title=RANSOM_TITLE,
               date="2025-04-01", tags=("セキュリティ", "ランサムウェア"), months="2025/04",
               body=quote("一行目です。＜br/＞二行目です。＜br＞三行目です。", "admin")
               + "\n## 対策のまとめ\n\n" + "バックアップを確かめる。\n\n" * 40)
    return project
