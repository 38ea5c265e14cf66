"""Every URL the site uses, shaped exactly as Hugo shapes them so a Hugo site can move here
without breaking a link.

Three forms of one address appear in the code, and they are kept apart on purpose:
- a *site path*: unescaped, rooted at the site root, ending in '/' for pages
  ('/tags/機械学習/'); this is what the model stores and what becomes a file in public/;
- an *href*: the site path percent-escaped and prefixed with the base URL's path
  ('/repo/tags/%E6%A9%9F.../'), what templates put in links;
- a *permalink*: scheme and host in front of the href, for feeds, sitemaps and `ref`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# Characters Hugo keeps in a path besides letters, digits and combining marks.
_KEPT_PUNCTUATION = frozenset("./\\_#+~-@")
# Go's unicode.IsSpace, which differs from str.isspace (Python also counts U+001C..U+001F).
_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_HEX = frozenset("0123456789abcdefABCDEF")
_KEPT_ASCII = re.compile(r"[A-Za-z0-9./\\_#+~@-]*")  # ASCII that `sanitize` keeps as it is
# What Go's URL.EscapedPath leaves alone: unreserved characters plus these sub-delimiters, and
# '%' because `sanitize` only lets a '%' through as the start of a valid %XX escape.
_PATH_SAFE = "/$&+,:;=@~%"


def _allowed(text: str, index: int, char: str) -> bool:
    category = unicodedata.category(char)
    if category[0] == "L" or category in ("Nd", "Mn", "Mc", "Me") or char in _KEPT_PUNCTUATION:
        return True
    following = text[index + 1 : index + 3]
    return char == "%" and len(following) == 2 and all(c in _HEX for c in following)


def _go_lower(text: str) -> str:
    """Go lowercases rune by rune with simple case mapping; Python's full mapping turns 'İ'
    into two characters and 'Σ' at a word end into 'ς', which Hugo never does."""
    lowered = text.lower()
    # Lowercasing never shortens a string: the same length means no character expanded,
    # and without 'Σ' (the only context-sensitive mapping) both mappings agree.
    if len(lowered) == len(text) and "Σ" not in text:
        return lowered
    out = []
    for char in text:
        lowered = char.lower()
        out.append(lowered if len(lowered) == 1 else lowered[0])
    return "".join(out)


def sanitize(text: str) -> str:
    """Hugo's path sanitising of a segment that follows a path prefix ('/tags/'): letters,
    digits, marks and `./\\_#+~-@` (and `%XX`) are kept; each ASCII space becomes '-'; a run of
    other whitespace becomes one '-' before the next kept character unless a '-' was just
    kept; everything else is dropped. Case is kept."""
    if _KEPT_ASCII.fullmatch(text):  # a folder name or slug: nothing to do
        return text
    text = text.replace(" ", "-")
    out: list[str] = []
    after_hyphen = False
    pending_hyphen = False
    for index, char in enumerate(text):
        if _allowed(text, index, char):
            after_hyphen = char == "-"
            if pending_hyphen and not after_hyphen:
                out.append("-")
            pending_hyphen = False
            out.append(char)
        elif char in _GO_SPACES and not after_hyphen:
            pending_hyphen = True
    return "".join(out)


def _clean_segments(path: str) -> list[str]:
    # Empty, '.' and '..' segments are dropped: a URL must never climb out of its directory.
    return [part for part in path.split("/") if part not in ("", ".", "..")]


@functools.lru_cache(maxsize=1 << 16)  # pure; a site urlizes each tag once per post
def urlize(text: str) -> str:
    """A term or path segment as Hugo puts it in a URL (unescaped): 'Open Source' ->
    'open-source', 'C++' -> 'c++', 'TCP/IP' -> 'tcp/ip', '機械学習' stays. '' when nothing
    usable is left (an emoji-only tag, for instance)."""
    return "/".join(_clean_segments(_go_lower(sanitize(text))))


@functools.lru_cache(maxsize=1 << 16)  # pure; list pages escape the same paths over and over
def escape(site_path: str) -> str:
    """Percent-escape a site path the way Go's URL.EscapedPath does (Hugo's hrefs)."""
    return quote(site_path, safe=_PATH_SAFE)


# --------------------------------------------------------------------------- site paths

HOME = "/"
POSTS_SECTION = "posts"
ATOM_FEED = "/atom.xml"  # the site's Atom feed (the RSS feeds are <list>/index.xml)
SEARCH_BUNDLE = "/pagefind/"  # where Pagefind's search files live


def section_path(section: str) -> str:
    return f"/{urlize(section)}/"


def content_path(rel: str, slug: str = "") -> str:
    """The site path of a content file (its path under content/, posix): a bundle
    'posts/2025_02/x/index.md' -> '/posts/2025_02/x/', 'posts/foo.md' -> '/posts/foo/',
    'about.md' -> '/about/'. A `slug` replaces the last segment, as in Hugo."""
    parts = rel.split("/")
    stem = parts.pop()
    stem = stem.rsplit(".", 1)[0]
    if stem not in ("index", "_index"):
        parts.append(stem)
    elif not parts:
        return HOME
    if slug and stem != "_index":
        parts[-1] = slug
    cleaned = [segment for segment in map(urlize, parts) if segment]
    return f"/{'/'.join(cleaned)}/" if cleaned else HOME


def taxonomy_path(taxonomy: str) -> str:
    return f"/{taxonomy}/"


def term_path(taxonomy: str, term_key: str) -> str:
    """`term_key` is already urlized (see `urlize`)."""
    return f"/{taxonomy}/{term_key}/"


def pager_path(list_path: str, number: int) -> str:
    """Page N of a paginated list, Hugo style: page 1 is the list itself, then /page/N/."""
    return list_path if number == 1 else f"{list_path}page/{number}/"


def feed_path(list_path: str) -> str:
    return f"{list_path}index.xml"


def output_file(site_path: str) -> str:
    """The file (relative to public/, posix) that serves a site path."""
    relative = "/".join(_clean_segments(site_path))
    if site_path.endswith("/"):
        return f"{relative}/index.html" if relative else "index.html"
    return relative


# --------------------------------------------------------------------------- hrefs


@dataclass(frozen=True)
class UrlBuilder:
    """Turns site paths into hrefs and permalinks for one base URL (picklable, tiny)."""

    base_url: str

    # Cached (outside the dataclass fields, so digests and equality ignore them): every page
    # asks for dozens of hrefs, and parsing the base URL each time cost more than the rest.
    @functools.cached_property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    @functools.cached_property
    def root(self) -> str:
        """The base URL's path, '/' for a site at the domain root, '/repo/' for a project site."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def href(self, site_path: str) -> str:
        return _href(self.root, site_path)

    def permalink(self, site_path: str) -> str:
        if "://" in site_path or site_path.startswith("//"):
            return site_path
        return self.origin + _href(self.root, site_path)

    def site_path_of(self, url: str) -> str | None:
        """The site path an href or permalink points into, or None for an external URL.
        Query and fragment are dropped; escapes are kept (the link checker unquotes)."""
        parts = urlsplit(url)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = parts.path
        if not path.startswith("/"):
            return None
        if not path.startswith(self.root):
            return None if parts.netloc else path
        return "/" + path[len(self.root) :]


@functools.lru_cache(maxsize=1 << 16)  # pure; a build asks for the same few thousand hrefs
def _href(root: str, site_path: str) -> str:
    if "://" in site_path or site_path.startswith("//"):
        return site_path
    return root + escape(site_path.lstrip("/"))


def normalize_base_url(base_url: str) -> str:
    """'https://x.org/repo' -> 'https://x.org/repo/' (a trailing slash, as Hugo expects)."""
    base_url = base_url.strip()
    return base_url if base_url.endswith("/") else base_url + "/"
