"""Untrusted text (HN comments, LLM output) as inline markdown that is safe in two places at once:
inside a quoted Hugo shortcode parameter (`body="…"`), and as markdown rendered by Hugo's goldmark
(raw HTML on, typographer and linkify on) or by our renderer (markdown-it, inline, line by line).

The contract: the encoded text renders to the SAME visible text in both renderers, and the only
markup that can appear is `<br>` (one per newline), emphasis, code spans and links to http(s) URLs.
tests/test_convert_hugo.py checks it against real Hugo; tests/test_convert_escaping.py with
hypothesis against our renderer.

How, in short:
- Everything that could start markup or a shortcode is a character reference: `" \\ < > & ' { }
  [ ] ~ @` and stray backticks; runs of `-` and `.` too, because goldmark's typographer would turn
  `--` and `...` into dashes and ellipses. `{{` also gets an invisible word joiner between the
  braces (see _split_braces).
- Bare URLs become explicit links `[label](url)`: linkify differs between the renderers (and
  goldmark's keeps character references inside a URL literally), explicit links do not. A
  commenter's own `[text](http(s)://…)` stays a link. Every other `[` is a character reference,
  so no other link (nor an image) can form, whatever its scheme or spelling.
- Code spans are kept when both renderers would show their content verbatim: no newline, no `{{`
  or `}}` (Hugo would run a shortcode), no `<br` (our renderer splits bodies on it), no
  backslash before a backtick (Hugo's parameter lexer rejects it). A `"` in a code span is
  written `\\"`, which makes Hugo drop every backslash of the value, so that is only done when
  no kept code span holds a backslash.
- `*` and `_` stay only where they pair up as emphasis within their own line (our renderer reads
  the lines between `<br>` one by one, Hugo reads the body as one paragraph).
- A body is one markdown line, so the only block syntax left to defuse is at its very start
  (`# `, `- `, `1. `, `+`, `=`, thematic breaks).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

WORD_JOINER = "\u2060"
_TEXT_ENTITIES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "&#92;",
    "{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;", "~": "&#126;", "`": "&#96;",
    # goldmark links e-mail addresses on its own, swallowing backticks and `*` that our
    # renderer reads as code or emphasis; an address is shown as plain text instead.
    "@": "&#64;",
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
# URL starts goldmark's linkify could still pick up by itself in text we do not link.
_AUTOLINK_START = re.compile(r"(?i)ftp://|https?://|www\.")
_URL_TRAILING = ".,:;!?'*_~"
_URL_WITH_HOST = re.compile(r"(?i)(?:https?://|www\.)[a-z0-9]")
_TYPOGRAPHER_RUN = re.compile(r"-{2,}|\.{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_LINE_START = re.compile(r"\n([^\S\n]*)")
_BACKTICKS = re.compile(r"`+")
_BR_TAG = re.compile(r"<\s*/?\s*br", re.IGNORECASE)
_DESTINATION = re.compile(r"\]\([^)]*\)")
_DELIMITER_OR_DESTINATION = re.compile(r"\]\([^)]*\)|[*_]")
_ENTITY = re.compile(r"&#?[0-9A-Za-z]+;")

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


def visible_form(text: str) -> str:
    """The text a reader sees of `text` free of markdown syntax, in Hugo and in our renderer:
    normalized, and every `{{` split by an invisible word joiner (see _split_braces)."""
    return _split_braces(normalize_text(text))


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
    return _defuse_block_start(_pair_emphasis_by_line(out))


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
    # Hugo rejects a backslash before a backtick in a parameter, and the closing fence is one.
    return ("\n" not in content and "{{" not in content and "}}" not in content
            and "\\`" not in content and not content.endswith("\\")
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
    # A URL start left in the text (no host we would link) must not be linked by goldmark,
    # whose linkify accepts hosts such as `.example.com`: its first letter becomes a reference.
    out.append(_encode_plain(text[pos:], before_link))
    return "".join(out)


def _trim_url(url: str) -> str:
    def dangling(url: str) -> bool:
        return url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))

    while url and dangling(url):
        url = url[:-1]
    return url


def _has_host(url: str) -> bool:
    return _URL_WITH_HOST.match(url) is not None


def _bare_link(url: str) -> str:
    target = "https://" + url if url[:4].lower() == "www." else url
    label = f"&#{ord(url[0])};" + url[1:].translate(_LABEL_TABLE)
    return f"[{label}]({_destination(target)})"


def _destination(url: str) -> str:
    # Entities are decoded in a destination, so `&amp;` gives back `&`; parentheses are
    # percent-encoded so an unbalanced one cannot end the destination early.
    scheme, rest = url.split("://", 1)
    return scheme.lower() + "://" + rest.replace("&", "&amp;").replace("(", "%28").replace(
        ")", "%29")


def _encode_label(label: str) -> str:
    """A markdown link's text: emphasis allowed, no nested link (a URL in it is defused)."""
    return _encode_plain(label, before_link=False)


def _encode_plain(text: str, before_link: bool) -> str:
    """Escape `text`; `before_link`: a link follows, so a final `!` must not make it an image
    (nor a final `^` an inline footnote, which our page markdown knows).
    A URL start in it is kept from being linked: its first letter becomes a reference."""
    text = _split_braces(text)
    pieces: list[str] = []
    pos = 0
    for match in _AUTOLINK_START.finditer(text):
        pieces.append(text[pos:match.start()].translate(_TEXT_TABLE))
        pieces.append(f"&#{ord(text[match.start()])};" + match.group()[1:])
        pos = match.end()
    pieces.append(text[pos:].translate(_TEXT_TABLE))
    escaped = "".join(pieces)
    escaped = _TYPOGRAPHER_RUN.sub(lambda m: f"&#{ord(m.group()[0])};" * len(m.group()), escaped)
    if before_link and escaped[-1:] in ("!", "^"):
        escaped = escaped[:-1] + f"&#{ord(escaped[-1])};"
    return _LINE_START.sub(_line_break, escaped)


def _split_braces(text: str) -> str:
    """`{{` with a word joiner (U+2060, invisible) between the braces. Hugo renders the folds'
    comments through `markdownify` a second time, and a `{{` it decoded from `&#123;&#123;`
    right before a tag (`{{<a …`) or `%` would be read as a shortcode and fail the build."""
    while "{{" in text:
        text = text.replace("{{", "{" + WORD_JOINER + "{")
    return text


def _line_break(match: re.Match[str]) -> str:
    # Our renderer trims each line; a full-width space that indents a line must survive it.
    return "<br>" + "".join(c if c in " \t" else f"&#{ord(c)};" for c in match.group(1))


def _pair_emphasis_by_line(encoded: str) -> str:
    """Emphasis that closes on the line it opens, and nothing else.

    Our renderer treats the lines between `<br>` one by one, Hugo as one paragraph; so every `*`
    and `_` that does not pair up within its own line is written as a reference, and a line that
    starts or ends with one gets a space beside the `<br>` (a line edge counts as space in our
    renderer, and the space makes Hugo see the same)."""
    if "*" not in encoded and "_" not in encoded:
        return encoded
    lines = [_pair_emphasis(line) for line in encoded.split("<br>")]
    out = lines[0]
    for line in lines[1:]:
        before = " " if out[-1:] in ("*", "_") else ""
        after = " " if line[:1] in ("*", "_") else ""
        out += f"{before}<br>{after}{line}"
    return out


def _pair_emphasis(line: str) -> str:
    while positions := _delimiter_positions(line):
        matched = _delimiters_matched(_skeleton(line))
        if len(matched) != len(positions):  # not the markdown we write: keep no emphasis at all
            matched = [False] * len(positions)
        unmatched = [pos for pos, ok in zip(positions, matched, strict=True) if not ok]
        if not unmatched:
            break
        for pos in reversed(unmatched):
            line = line[:pos] + f"&#{ord(line[pos])};" + line[pos + 1:]
    return line


def _delimiter_positions(line: str) -> list[int]:
    """Where the `*` and `_` outside code spans and link destinations are."""
    positions: list[int] = []
    for code, start, end in _split_code_spans_at(line):
        if not code:
            positions.extend(m.start() for m in _DELIMITER_OR_DESTINATION.finditer(line, start, end)
                             if m.group() in ("*", "_"))
    return positions


def _skeleton(line: str) -> str:
    """`line` with the same emphasis delimiters and the same character classes beside them, but
    shorter to parse: a reference becomes `%` (punctuation, as `&` and `;` are), a destination
    `x`, a code span's content `x`."""
    parts: list[str] = []
    for code, start, end in _split_code_spans_at(line):
        piece = line[start:end]
        if code:
            fence = _BACKTICKS.match(piece).group()  # type: ignore[union-attr]
            parts.append(f"{fence}x{fence}")
        else:
            parts.append(_ENTITY.sub("%", _DESTINATION.sub("](x)", piece)))
    return "".join(parts)


def _split_code_spans_at(line: str) -> list[tuple[bool, int, int]]:
    """(is_code, start, end) over `line`, with the same backtick rule as _split_code_spans."""
    out: list[tuple[bool, int, int]] = []
    pos = 0
    for span in _split_code_spans(line):
        length = len(span.text) + 2 * len(span.fence)
        out.append((span.code, pos, pos + length))
        pos += length
    return out


def _delimiters_matched(line: str) -> list[bool]:
    """For each emphasis delimiter character of `line`, in order: did CommonMark pair it?"""
    matched: list[bool] = []
    for token in _emphasis_parser().parseInline(line)[0].children or []:
        if token.type in ("em_open", "em_close", "strong_open", "strong_close"):
            matched.append(True)
        elif token.type == "text" and token.content in ("*", "_", ""):
            matched.append(token.content == "")  # '' is the second half of a strong pair
    return matched


@functools.cache
def _emphasis_parser() -> MarkdownIt:
    # Every delimiter character stays its own token: no joining of text fragments.
    parser = MarkdownIt("commonmark", {"html": False})
    parser.inline.ruler2.disable(["fragments_join"])
    parser.core.ruler.disable(["text_join"])
    return parser


def _defuse_block_start(encoded: str) -> str:
    first_line = encoded.split("<br>", 1)[0]
    if _THEMATIC_BREAK.match(encoded) or _LIST_OR_HEADING.match(encoded):
        return f"&#{ord(encoded[0])};" + encoded[1:]
    number = _ORDERED_LIST.match(first_line)
    if number:
        end = number.end()
        return encoded[:end] + f"&#{ord(encoded[end])};" + encoded[end + 1:]
    return encoded
