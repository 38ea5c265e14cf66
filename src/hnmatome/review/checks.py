"""Checks before publishing: what in a thread (and its post) would look wrong once published.

`check_thread` looks at one thread; what it needs to know of the rest of the site (the other
posts' ids, titles and tags, the settings, which shortcodes take content) comes in a
`SiteFacts`, so it reads no file but the thread's own post. `site_facts` gathers those facts
from a project, cached by file stamp like `status`, so it stays fast on a big blog.
Only what a post shows is checked for translation problems: a comment hidden with
`include: false`, dead, gone or past the limits makes no noise.

`hnmatome check` prints the problems; the studio shows each beside its comment and refuses to
publish while errors remain. The text rules themselves are in `check_rules.py`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hnmatome.convert.curation import (
    normalize_tags,
    parse_comments,
    rules_for,
    select_comments,
)
from hnmatome.convert.post_index import scan_posts
from hnmatome.convert.safe_markdown import normalize_text
from hnmatome.core import thread_yaml
from hnmatome.core.errors import UserError
from hnmatome.core.frontmatter import key_line, parse_front_matter
from hnmatome.core.project import Project
from hnmatome.core.settings import Settings
from hnmatome.core.stat_cache import StatCache
from hnmatome.review import check_rules as rules
from hnmatome.review.check_rules import ERROR, WARNING

CACHE_NAME = "check.json"
FACTS_KIND = "check-facts"  # a new name when read_title_and_tags changes what it returns
# The shortcodes the shipped templates define (name -> takes content), so a fold is known even
# in a project that has no templates/shortcodes/ of its own.
SHIPPED_SHORTCODES = (("details", True), ("list", False), ("matomeQuote", False),
                      ("ref", False), ("relref", False))


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR (the studio will not publish) or WARNING
    message: str
    hint: str | None
    comment_id: int | None
    field: str  # "title_ja", "tags", "ja", "post" or "thread"
    line: int | None  # in `path`
    path: Path  # the thread file, or the post for a problem in the post


@dataclass(frozen=True)
class PostFacts:
    file: Path
    hnid: int | None
    title: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteFacts:
    """What a check needs to know of the rest of the site."""

    posts: tuple[PostFacts, ...] = ()
    settings: Settings = field(default_factory=Settings)
    shortcodes: tuple[tuple[str, bool], ...] = SHIPPED_SHORTCODES  # name -> takes content
    root: Path | None = None  # other posts are named relative to it in messages

    @functools.cached_property
    def tag_counts(self) -> Mapping[str, int]:
        """How many posts use each tag, as spelled in their front matter."""
        counts: dict[str, int] = {}
        for post in self.posts:
            for tag in post.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return counts

    def shown(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(path)


def site_facts(project: Project) -> SiteFacts:
    """The posts of the project (front matter only, cached by file stamp in
    .cache/hnmatome/check.json), its settings and its shortcodes."""
    from hnmatome.site.markup.shortcode_templates import ShortcodeTemplates

    cache = StatCache(project.cache_dir / CACHE_NAME)
    index = scan_posts(project.posts_dir, cache)
    posts = []
    for post in index.posts:
        title, tags = cache.get(FACTS_KIND, post.path, read_title_and_tags)
        posts.append(PostFacts(post.path, post.hnid, title, tuple(tags)))
    with contextlib.suppress(OSError):  # a cache not written only costs time next run
        cache.save()
    paired = ShortcodeTemplates(project.templates_dir / "shortcodes").paired
    shortcodes = tuple(sorted((dict(SHIPPED_SHORTCODES) | paired).items()))
    return SiteFacts(tuple(posts), project.settings, shortcodes, project.root)


def check_project(project: Project, ids: Sequence[int] = (),
                  facts: SiteFacts | None = None) -> dict[int, list[Problem]]:
    """The problems of each thread named (every thread under content/threads/ for none), by
    id in the order given, against `facts` (read now when not given). A thread file that
    cannot be read is one error of its own; an id with no thread file is a UserError."""
    if ids:
        missing = [item_id for item_id in ids if not project.thread_path(item_id).is_file()]
        if missing:
            raise UserError(f"no thread file for {', '.join(map(str, missing))}",
                            project.thread_path(missing[0]),
                            hint=f"fetch it first: hnmatome fetch {' '.join(map(str, missing))}")
    else:
        folder = project.threads_dir
        ids = sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit()) \
            if folder.is_dir() else []
    facts = site_facts(project) if facts is None else facts
    found: dict[int, list[Problem]] = {}
    for item_id in ids:
        path = project.thread_path(item_id)
        try:
            source = path.read_text(encoding="utf-8")
            thread = thread_yaml.loads(source, path)
        except (OSError, UnicodeDecodeError) as exc:
            found[item_id] = [Problem(ERROR, f"cannot read the thread file: {exc}",
                                      "make it readable and save it as UTF-8 text", None,
                                      "thread", None, path)]
            continue
        except UserError as exc:
            found[item_id] = [_from_error(exc, path, "thread")]
            continue
        found[item_id] = check_thread(thread, path, facts, source=source)
    return found


def check_thread(thread: Mapping[str, Any], path: Path, facts: SiteFacts,
                 post: Path | None = None, *, source: str | None = None) -> list[Problem]:
    """Every problem of `thread` (read from `path`) and of its post: `post`, else the one post
    of the site made from it (`hnid`). `source` is the thread file's text, for line numbers
    (read from `path` when not given)."""
    if source is None:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            source = ""
    item_id = thread.get("id")
    mine = [p for p in facts.posts if p.hnid == item_id]
    if post is None and len(mine) == 1:
        post = mine[0].file
    own = {p.file for p in mine} | ({post} if post else set())
    others = tuple(p for p in facts.posts if p.file not in own)
    found = _title_problems(thread, path, source, others, facts)
    found += _tag_problems(thread, path, source, others, facts)
    found += _comment_problems(thread, path, source, facts.settings)
    found += _duplicate_posts(item_id, path, post, [p for p in mine if p.file != post], facts)
    if post is not None:
        found += _post_problems(post, dict(facts.shortcodes))
    return found


def _post_problems(post: Path, paired: Mapping[str, bool]) -> list[Problem]:
    """Folds of the post never closed or empty, at their line in the post file."""
    try:
        meta_body = parse_front_matter(post.read_text(encoding="utf-8"), post)
    except FileNotFoundError:
        return []  # not converted yet, or moved since the facts were gathered
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(ERROR, f"cannot read the post: {exc}",
                        "make it readable and save it as UTF-8 text", None, "post", None, post)]
    except UserError as exc:
        return [_from_error(exc, post, "post")]
    _, body, body_line = meta_body
    return [Problem(ERROR, message, hint, None, "post", body_line + line - 1, post)
            for message, hint, line in rules.fold_problems(body, paired)]


def read_title_and_tags(path: Path) -> list[Any]:
    """[title, tags] of a post's front matter ('' and [] when it has none or cannot be read:
    the build reports a broken post, the checks only compare with it)."""
    try:
        meta, _, _ = parse_front_matter(path.read_text(encoding="utf-8"), path)
    except (UserError, OSError, UnicodeDecodeError):
        return ["", []]
    title, tags = meta.get("title"), meta.get("tags")
    if isinstance(tags, str):
        tags = [tags]
    words = [" ".join(tag.split()) for tag in tags if isinstance(tag, str)] \
        if isinstance(tags, list) else []
    return [" ".join(title.split()) if isinstance(title, str) else "", words]


def _from_error(exc: UserError, path: Path, field_name: str) -> Problem:
    return Problem(ERROR, exc.message, exc.hint, None, field_name, exc.line, exc.path or path)


def _title_problems(thread: Mapping[str, Any], path: Path, source: str,
                    others: Sequence[PostFacts], facts: SiteFacts) -> list[Problem]:
    original = str(thread.get("title") or "")
    title_ja = thread.get("title_ja")
    line = key_line(source, "title_ja") or key_line(source, "title")

    def problem(level: str, message: str, hint: str | None) -> Problem:
        return Problem(level, message, hint, None, "title_ja", line, path)

    if not isinstance(title_ja, str) or not normalize_text(title_ja):
        return [problem(WARNING, "the title is not translated (no `title_ja`): the post shows "
                        "the English title", "write `title_ja:`, or run `hnmatome translate "
                        f"{thread.get('id')}`")]
    found = []
    foreign = rules.foreign_letters(title_ja, original)
    if foreign:
        found.append(problem(ERROR, "the title has letters of another script: "
                             + rules.describe_runs(foreign), rules.FOREIGN_HINT))
    tags, breaks = rules.html_tags(title_ja)
    if tags or breaks:
        found.append(problem(ERROR, "the title has HTML, shown as text: "
                             + ", ".join(tags + breaks), "delete the tags from `title_ja`"))
    if rules.untranslated(original, title_ja):
        found.append(problem(WARNING, "the title looks untranslated (`title_ja` is in English)",
                             "translate it, or delete `title_ja` and run `hnmatome translate`"))
    key = rules.tag_key(title_ja)
    same = [p for p in others if p.title and rules.tag_key(p.title) == key]
    if same:
        found.append(problem(ERROR, "another post has the same title: "
                             + ", ".join(facts.shown(p.file) for p in same),
                             "reword `title_ja`; if it is the same story, keep one of the two"))
    return found


def _tag_problems(thread: Mapping[str, Any], path: Path, source: str,
                  others: Sequence[PostFacts], facts: SiteFacts) -> list[Problem]:
    raw = thread.get("tags")
    line = key_line(source, "tags")
    if isinstance(raw, str):  # as convert reads it: 'AI, Rust' or 'AI、Rust'
        raw = [part for part in raw.replace("、", ",").split(",") if part.strip()]
    if raw is None:
        return []
    if not isinstance(raw, list) or any(isinstance(tag, dict | list) for tag in raw):
        return [Problem(ERROR, "`tags` should be a list of words", "e.g. tags: [AI, Rust]",
                        None, "tags", line, path)]
    counts: dict[str, int] = {}
    for other in others:
        for tag in other.tags:
            counts[tag] = counts.get(tag, 0) + 1
    if not counts:
        return []  # a new site: every tag is new
    spellings: dict[str, str] = {}  # key -> the spelling most posts use
    for tag in sorted(counts, key=lambda t: -counts[t]):
        spellings.setdefault(rules.tag_key(tag), tag)
    found = []
    for tag in normalize_tags(raw, facts.settings.tag_aliases):
        existing = spellings.get(rules.tag_key(tag))
        if existing == tag:
            continue
        if existing is not None:
            message = f"tag {tag!r} is spelled {existing!r} on the other posts"
            hint = f"write it as {existing} (a tag page shows one spelling)"
        else:
            near = rules.nearest_tag(tag, counts)
            message = f"tag {tag!r} is used by no other post"
            hint = (f"did you mean {near}?" if near
                    else "a new tag is fine when you mean it; check its spelling")
        found.append(Problem(WARNING, message, hint, None, "tags", line, path))
    return found


def _comment_problems(thread: Mapping[str, Any], path: Path, source: str,
                      settings: Settings) -> list[Problem]:
    """Problems of the comments the post shows (as convert selects them)."""
    raw = thread.get("comments") or []
    try:
        shown = select_comments(parse_comments(raw, path), rules_for(thread, settings, path))
    except UserError as exc:
        return [_from_error(exc, path, "thread")]
    by_id = {item["id"]: item for item in raw}
    blank = [s for s in shown if not _filled(by_id[s.comment.id].get("ja"))]
    if len(shown) > 1 and len(blank) == len(shown):
        # one problem, not one per comment, for a thread translate has not been run on
        return [Problem(ERROR, f"none of the {len(shown)} comments the post shows is translated",
                        f"run `hnmatome translate {thread.get('id')}`", None, "thread", None,
                        path)]
    found = []
    for selected in shown:
        line = thread_yaml.comment_line(source, selected.comment.id)
        found += [Problem(level, message, hint, selected.comment.id, "ja", line, path)
                  for level, message, hint in rules.comment_findings(by_id[selected.comment.id])]
    return found


def _duplicate_posts(item_id: Any, path: Path, post: Path | None, also: Sequence[PostFacts],
                     facts: SiteFacts) -> list[Problem]:
    """More than one post made from the thread: `post` and `also` (or, with no `post`
    known, two or more in `also`)."""
    if not also or (post is None and len(also) < 2):
        return []
    named = [facts.shown(p.file) for p in also]
    if post is not None:
        named.insert(0, facts.shown(post))
    return [Problem(ERROR, f"{len(named)} posts are made from this thread (hnid = {item_id}): "
                    + ", ".join(named), "keep one post per thread and delete the others (a post "
                    "moves when its date or slug changes)", None, "post", None, path)]


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(normalize_text(value))
