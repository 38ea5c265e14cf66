"""Untrusted text (HN comments, LLM output) as inline markdown that is safe in two places at once:
inside a quoted Hugo shortcode parameter (`body="…"`), and as markdown rendered by Hugo's goldmark
(raw HTML on, typographer and linkify on) or by our renderer (markdown-it, inline).

The contract: the encoded text renders to the SAME visible text in both renderers, and the only
markup that can appear is `<br>` (one per newline), emphasis, code spans and links to http(s) URLs.

How, in short:
- Everything that could start markup or a shortcode is a character reference: `" \\ < > & ' { } [
  ] ~` and stray backticks; runs of `-` and `.` too, because goldmark's typographer would turn
  `--` and `...` into dashes and ellipses.
- Bare URLs become explicit links `[label](url)`: linkify differs between the renderers (and
  goldmark's keeps character references inside a URL literally), explicit links do not. Every
  other `[` is a character reference, so no other link (nor an image) can form, whatever scheme.
- Code spans are kept when both renderers would show their content verbatim: no newline, no `{{`
  or `}}` (Hugo would run a shortcode), no `<br` (our renderer splits bodies on it). A `"` in a
  code span is written `\\"`, which makes Hugo drop every backslash of the value, so that is only
  done when no kept code span holds a backslash.
- A body is one markdown line (newlines are `<br>`), so the only block syntax left to defuse is at
  its very start (`# `, `- `, `1. `, `+`, `=`, thematic breaks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TEXT_ENTITIES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "&#92;",
    "{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;", "~": "&#126;", "`": "&#96;",
}
# In a link label the renderers must not see emphasis or a nested autolink either.
_LABEL_ENTITIES = {**_TEXT_ENTITIES, "*": "&#42;", "_": "&#95;", "!": "&#33;",
                   "-": "&#45;", ".": "&#46;", "(": "&#40;", ")": "&#41;"}
_TEXT_TABLE = str.maketrans(_TEXT_ENTITIES)
_LABEL_TABLE = str.maketrans(_LABEL_ENTITIES)

_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]"
_URL = re.compile(rf"(?<![A-Za-z0-9])(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.){_URL_CHARS}*")
# `[label](http(s)://…)` as written by a commenter or the translator; one level of balanced
# parentheses in the URL (Wikipedia), nothing that could end the shortcode parameter.
_DEST_CHAR = r"[^\s()<>\"\\{}\[\]`]"
_MARKDOWN_LINK = re.compile(
    rf"\[(?P<label>[^\[\]\n`]*[^\[\]\n`\s][^\[\]\n`]*)\]"
    rf"\((?P<url>[Hh][Tt][Tt][Pp][Ss]?://{_DEST_CHAR}+(?:\({_DEST_CHAR}*\){_DEST_CHAR}*)*)\)"
)
# Schemes goldmark's linkify would still pick up by itself; we never link them.
_FTP = re.compile(r"(?i)ftp://")
_ANY_AUTOLINK = re.compile(r"(?i)ftp://|https?://|www\.")
_URL_TRAILING = ".,:;!?'*_~"
_TYPOGRAPHER_RUN = re.compile(r"-{2,}|\.{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_BACKTICKS = re.compile(r"`+")
_BR_TAG = re.compile(r"<\s*/?\s*br", re.IGNORECASE)

# Block syntax that a single markdown line can still start with.
_LIST_OR_HEADING = re.compile(r"(?:#|[-+*](?=[ \t]|$)|=)")
_ORDERED_LIST = re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))")
_THEMATIC_BREAK = re.compile(r"([*_])(?:[ \t]*\1){2,}[ \t]*$")


def normalize_text(text: str) -> str:
    """Newlines unified, control characters dropped, outer blank space and long gaps trimmed.

    This is the visible text a reader gets (before markdown); tests compare against it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return _MANY_NEWLINES.sub("\n\n", text)


@dataclass(frozen=True)
class _Span:
    code: bool
    text: str  # for code spans: the content, without the backtick fences
    fence: str = ""


def encode_inline(text: str) -> str:
    """`text` as inline markdown safe in a quoted shortcode parameter and in any markdown."""
    spans = _split_code_spans(normalize_text(text))
    spans = _keep_representable_code(spans)
    quoted_code = any(s.code and '"' in s.text for s in spans)
    out = "".join(_encode_code(s, quoted_code) if s.code else _encode_text(s.text) for s in spans)
    return _defuse_block_start(out)


def encode_param(value: str) -> str:
    """A plain (non-markdown) shortcode parameter such as a user name: nothing that ends the
    value or starts a shortcode survives; templates escape the rest."""
    value = _CONTROL.sub("", value.replace("\r", " ").replace("\n", " "))
    return re.sub(r'["\\{}]', "", value).strip()


def _split_code_spans(text: str) -> list[_Span]:
    """CommonMark code spans: a backtick run is closed by the next run of the same length."""
    runs = list(_BACKTICKS.finditer(text))
    spans: list[_Span] = []
    pos = 0
    index = 0
    while index < len(runs):
        opener = runs[index]
        closer = next((j for j in range(index + 1, len(runs))
                       if len(runs[j].group()) == len(opener.group())), None)
        if closer is None:
            index += 1
            continue
        if opener.start() > pos:
            spans.append(_Span(False, text[pos:opener.start()]))
        close = runs[closer]
        spans.append(_Span(True, text[opener.end():close.start()], opener.group()))
        pos = close.end()
        index = closer + 1
    if pos < len(text):
        spans.append(_Span(False, text[pos:]))
    return spans


def _representable(content: str) -> bool:
    return ("\n" not in content and "{{" not in content and "}}" not in content
            and not _BR_TAG.search(content) and content.strip() != "")


def _keep_representable_code(spans: list[_Span]) -> list[_Span]:
    """Turn code spans that cannot be written verbatim back into text (shown with backticks)."""
    kept = [s.code and _representable(s.text) for s in spans]
    backslash = any(k and "\\" in s.text for k, s in zip(kept, spans, strict=True))
    out: list[_Span] = []
    for keep, span in zip(kept, spans, strict=True):
        if keep and not (backslash and '"' in span.text):
            out.append(span)
        elif span.code:
            out.append(_Span(False, span.fence + span.text + span.fence))
        else:
            out.append(span)
    return _merge_text(out)


def _merge_text(spans: list[_Span]) -> list[_Span]:
    merged: list[_Span] = []
    for span in spans:
        if merged and not span.code and not merged[-1].code:
            merged[-1] = _Span(False, merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged


def _encode_code(span: _Span, quoted_code: bool) -> str:
    content = span.text.replace('"', '\\"') if quoted_code else span.text
    return span.fence + content + span.fence


def _encode_text(text: str) -> str:
    """Text outside code spans: markdown links to http(s) stay links, bare URLs become links,
    everything else is escaped."""
    out: list[str] = []
    pos = 0
    for match in _MARKDOWN_LINK.finditer(text):
        out.append(_encode_bare_urls(text[pos:match.start()], before_link=True))
        out.append(f"[{_encode_label(match.group('label'))}]({_destination(match.group('url'))})")
        pos = match.end()
    out.append(_encode_bare_urls(text[pos:], before_link=False))
    return "".join(out)


def _encode_bare_urls(text: str, before_link: bool) -> str:
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        if not _has_host(url):
            continue
        out.append(_encode_plain(text[pos:match.start()], before_link=True))
        out.append(_bare_link(url))
        pos = match.start() + len(url)
    out.append(_encode_plain(text[pos:], before_link=before_link))
    return "".join(out)


def _trim_url(url: str) -> str:
    def dangling(url: str) -> bool:
        return url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))

    while url and dangling(url):
        url = url[:-1]
    return url


def _has_host(url: str) -> bool:
    rest = url.split("://", 1)[1] if "://" in url else url[4:]
    return bool(re.match(r"[A-Za-z0-9]", rest))


def _bare_link(url: str) -> str:
    target = url if "://" in url else "https://" + url
    label = f"&#{ord(url[0])};" + url[1:].translate(_LABEL_TABLE)
    return f"[{label}]({_destination(target)})"


def _destination(url: str) -> str:
    # Entities are decoded in a destination, so `&amp;` gives back `&`; parentheses are
    # percent-encoded so an unbalanced one cannot end the destination early.
    return url.replace("&", "&amp;").replace("(", "%28").replace(")", "%29")


def _encode_label(label: str) -> str:
    """A markdown link's text: emphasis allowed, no nested link (a URL in it is defused)."""
    return _encode_plain(label, before_link=False, autolinks=_ANY_AUTOLINK)


def _encode_plain(text: str, before_link: bool, autolinks: re.Pattern[str] = _FTP) -> str:
    """Escape `text`; `before_link`: a link follows, so a final `!` must not make it an image.
    `autolinks`: starts of URLs to keep from being linked (their first letter is a reference)."""
    pieces: list[str] = []
    pos = 0
    for match in autolinks.finditer(text):
        pieces.append(text[pos:match.start()].translate(_TEXT_TABLE))
        pieces.append(f"&#{ord(text[match.start()])};" + match.group()[1:])
        pos = match.end()
    pieces.append(text[pos:].translate(_TEXT_TABLE))
    escaped = "".join(pieces)
    escaped = _TYPOGRAPHER_RUN.sub(lambda m: f"&#{ord(m.group()[0])};" * len(m.group()), escaped)
    if before_link and escaped.endswith("!"):
        escaped = escaped[:-1] + "&#33;"
    return escaped.replace("\n", "<br>")


def _defuse_block_start(encoded: str) -> str:
    first_line = encoded.split("<br>", 1)[0]
    if _THEMATIC_BREAK.match(encoded) or _LIST_OR_HEADING.match(encoded):
        return f"&#{ord(encoded[0])};" + encoded[1:]
    number = _ORDERED_LIST.match(first_line)
    if number:
        end = number.end()
        return encoded[:end] + f"&#{ord(encoded[end])};" + encoded[end + 1:]
    return encoded
