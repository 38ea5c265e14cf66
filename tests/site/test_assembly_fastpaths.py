"""The quick paths of site assembly and planning against the plain versions they replaced
(kept here as references): for any input both must give the same answer."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from hnmatome.build_inputs import head_digest, page_sources
from hnmatome.fingerprint import source_files
from hnmatome.frozen import made
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from hnmatome import fingerprint, plan, urls
from hnmatome.core.errors import UserError, UserErrors
from hnmatome.site.content import SourcePage
from hnmatome.site.model import BodyStats, Entry, _entry, entry_source_digest
from hnmatome.site.plan import Output, check_collisions, paginate
from hnmatome.site.taxonomy import Taxonomy, Term, TermValue, build_taxonomy, term_value

# --------------------------------------------------------------------------- urls.output_file


def plain_output_file(site_path: str) -> str:
    relative = "/".join(part for part in site_path.split("/") if part not in ("", ".", ".."))
    if site_path.endswith("/"):
        return f"{relative}/index.html" if relative else "index.html"
    return relative


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="/.a%é-", max_size=12))
def test_output_file_equals_the_plain_segment_cleaning(site_path: str) -> None:
    assert urls.output_file(site_path) == plain_output_file(site_path)


@pytest.mark.parametrize("site_path", ["/", "//", "/./", "/a/./", "/a/../b/", "/.x/", "/a//b/",
                                       "a/b/", "/a/b", "/a/b/.", "/a/.."])
def test_output_file_of_unclean_paths(site_path: str) -> None:
    assert urls.output_file(site_path) == plain_output_file(site_path)


# --------------------------------------------------------------------------- plan


def plain_list_files(list_path: str, items: int, page_size: int) -> list[Output]:
    pagers = paginate(list_path, range(items), page_size)
    found = [Output(urls.output_file(pager.path), "term", key="tags", term="x",
                    number=pager.number, source="tags 'x'") for pager in pagers]
    found.append(Output(urls.output_file(pagers[0].list_path + "page/1/"), "alias",
                        target=pagers[0].list_path, source="tags 'x'"))
    found.append(Output(urls.output_file(urls.feed_path(list_path)), "feed", key="tags",
                        term="x", source="the feed of tags 'x'"))
    return found


list_paths = st.sampled_from(["/tags/x/", "/posts/", "/months/2025/02/", "/", "/tags/a.b/"]) | \
    st.text(alphabet="/.ab", max_size=8).map(lambda text: text + "/")


@settings(max_examples=400, deadline=None)
@given(list_paths, st.integers(min_value=0, max_value=30), st.integers(min_value=1, max_value=7))
def test_list_files_equal_the_pagers(list_path: str, items: int, page_size: int) -> None:
    made = plan._list_files(list_path, items, page_size, "term", "tags", "x", "tags 'x'",
                            "tags", "the feed of tags 'x'")
    assert made == plain_list_files(list_path, items, page_size)
    assert all(type(output) is Output for output in made)


def plain_folders(paths: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        cut = path.rfind("/")
        while cut > 0:
            found.add(path[:cut])
            cut = path.rfind("/", 0, cut)
    return found


paths = st.lists(st.text(alphabet="/ab.", max_size=8), max_size=12)


@settings(max_examples=200, deadline=None)
@given(paths)
def test_folders_equal_the_plain_walk(found: list[str]) -> None:
    assert plan._folders(found) == plain_folders(found)


def _problems(outputs: list[Output]) -> list[str]:
    try:
        check_collisions(outputs)
    except UserErrors as errors:
        return [str(error) for error in errors.errors]
    except UserError as error:
        return [str(error)]
    return []


def plain_problems(outputs: list[Output]) -> list[str]:
    claimed: dict[str, Output] = {}
    problems = []
    for output in outputs:
        first = claimed.setdefault(output.path, output)
        if first is not output:
            problems.append(plan._clash(output, first, output.path))
    for path, output in claimed.items():
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = claimed.get("/".join(parts[:depth]))
            if folder is not None:
                problems.append(plan._clash(output, folder,
                                            f"{folder.path} (as a file and a folder)"))
    return [str(problem) for problem in problems]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "a/b", "a/b/index.html", "c/index.html", "a/c", "b"]),
                max_size=6))
def test_collisions_are_reported_as_before(chosen: list[str]) -> None:
    outputs = [Output(path, "static", source=f"source {n}") for n, path in enumerate(chosen)]
    assert _problems(outputs) == plain_problems(outputs)


# --------------------------------------------------------------------------- taxonomy


def plain_taxonomy(name: str, values: Sequence[Sequence[TermValue]]) -> list[Term]:
    posts: dict[str, list[int]] = {}
    spellings: dict[str, Counter[str]] = {}
    for index in range(len(values) - 1, -1, -1):
        for value in values[index]:
            members = posts.setdefault(value.key, [])
            if not members or members[-1] != index:
                members.append(index)
            spellings.setdefault(value.key, Counter())[value.name] += 1
    return [Term(key=key, name=spellings[key].most_common(1)[0][0],
                 path=urls.term_path(name, key), posts=tuple(reversed(indexes)))
            for key, indexes in posts.items()]


# Spellings of three keys ('Go' and 'GO' share /tags/go/), repeated on a post and across posts
term_values = st.sampled_from([TermValue(name, name.lower(), f"/tags/{name.lower()}/")
                               for name in ("Go", "GO", "go", "Rust", "rust", "C")])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(term_values, max_size=4), max_size=12))
def test_taxonomy_equals_the_plain_counting(values: list[list[TermValue]]) -> None:
    made: Taxonomy = build_taxonomy("tags", "タグ", values)
    assert sorted(made.terms, key=lambda term: term.key) == sorted(
        plain_taxonomy("tags", values), key=lambda term: term.key)


# --------------------------------------------------------------------------- urls.sanitize


def test_isalpha_is_exactly_the_letter_categories() -> None:
    # sanitize's shortcut keeps what str.isalpha accepts; the loop keeps categories L*
    letters = [chr(code) for code in range(0x110000)]
    assert [c for c in letters if c.isalpha() != (unicodedata.category(c)[0] == "L")] == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ09./_#+~@-% \t\u3000機械ーア・２Ⅻé\u0301İ!")),
               max_size=16))
def test_sanitize_shortcuts_equal_the_character_loop(text: str) -> None:
    assert urls.sanitize(text) == urls.sanitize_chars(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=16) | st.text(alphabet="/$&+,:;=@~%?#[] a.-_漢é", max_size=16))
def test_escape_equals_quote(site_path: str) -> None:
    assert urls.escape(site_path) == quote(site_path, safe=urls._PATH_SAFE)


def test_escape_refuses_a_lone_surrogate_as_quote_does() -> None:
    with pytest.raises(UnicodeEncodeError):
        quote("/\udc80/", safe=urls._PATH_SAFE)
    with pytest.raises(UnicodeEncodeError):
        urls.escape("/\udc80/")


# --------------------------------------------------------------------------- entry digests


def _page(title: str, tags: tuple[str, ...], image: str, slug: str, body: str) -> SourcePage:
    return SourcePage(path=Path("/c/posts/x/index.md"), rel="posts/x/index.md", section="posts",
                      kind="post", bundle=True, title=title, date=None, lastmod=None,
                      draft=False, tags=tags, months=(), featureimage=image, description="",
                      slug=slug, hnid=None, meta={"title": title}, body=body, body_line=3,
                      source_hash=f"h{body}")


pages = st.builds(_page, st.sampled_from(["a", "b"]),
                  st.sampled_from([(), ("Go",), ("Go", "Rust"), ("GO",)]),
                  st.sampled_from(["", "a.png", "/b.png", "https://x.org/c.png"]),
                  st.sampled_from(["", "s"]), st.sampled_from(["本文", "別の本文"]))
bundle_files = st.sampled_from([(), ("a.png",), ("a.png", "b.png")])
static_files = st.sampled_from([frozenset(), frozenset({"b.png"}), frozenset({"a.png"})])


@settings(max_examples=400, deadline=None)
@given(pages, pages, bundle_files, bundle_files, static_files, static_files)
def test_equal_entry_source_digests_mean_equal_entries(
        first: SourcePage, second: SourcePage, first_files: tuple[str, ...],
        second_files: tuple[str, ...], first_static: frozenset[str],
        second_static: frozenset[str]) -> None:
    one = _entry(first, first_files, first_static, [])
    other = _entry(second, second_files, second_static, [])
    same = (entry_source_digest(head_digest(first), one)
            == entry_source_digest(head_digest(second), other))
    assert one == other or not same  # (a changed featureimage not found changes no entry)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=12), st.integers(min_value=1, max_value=6))
def test_term_pagers_equal_paginate(count: int, page_size: int) -> None:
    term = Term(key="go", name="Go", path="/tags/go/", posts=tuple(range(3, 3 + count)))
    taxonomy = Taxonomy(name="tags", title="タグ", terms=(term,), by_key={"go": term})
    site: Any = SimpleNamespace(taxonomy=lambda name: taxonomy,
                                info=SimpleNamespace(page_size=page_size))
    assert plan.term_pagers(site, "tags", "go") == paginate(term.path, term.posts, page_size)


# --------------------------------------------------------------------------- page sources


def plain_page_sources(content: Iterable[str]) -> tuple[str, ...]:
    bundles = {rel.rsplit("/", 1)[0] for rel in content if rel.endswith("/index.md")}
    pages = []
    for rel in content:
        parts = rel.split("/")
        name = parts[-1]
        if not name.endswith(".md") or any(part.startswith(".") for part in parts):
            continue
        folders = ["/".join(parts[:depth]) for depth in range(1, len(parts))]
        owner = next((folder for folder in folders if folder in bundles), None)
        if owner is not None:
            if rel == f"{owner}/index.md":
                pages.append(rel)
        elif name != "_index.md":
            pages.append(rel)
    return tuple(sorted(pages))


content_paths = st.lists(st.lists(st.sampled_from(["a", "b", ".h", "index.md", "_index.md",
                                                   "x.md", "x_index.md", "p.png"]),
                                  min_size=1, max_size=4).map("/".join), max_size=10)


@settings(max_examples=200, deadline=None)
@given(content_paths)
def test_page_sources_equal_the_plain_folder_walk(rels: list[str]) -> None:
    content = dict.fromkeys(sorted(rels), "digest")
    assert page_sources(content) == plain_page_sources(content)


# --------------------------------------------------------------------------- code fingerprint


def plain_source_files(package: Path) -> list[str]:
    return [path.relative_to(package).as_posix() for path in sorted(package.rglob("*"))
            if path.is_file() and path.suffix in (".py", ".txt", ".md")
            and "__pycache__" not in path.parts]


def test_source_files_equal_the_sorted_glob(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    names = ["a.py", "a-b.py", "a/b.py", "a/b/c.md", "a.b/x.txt", ".py", ".hidden.py", "x.py.",
             "notes.rst", "__pycache__/m.cpython-311.pyc", "__pycache__/m.py",
             "sub/__pycache__/n.py", "sub/z.PY", "sub/y.txt", "sub/sub2/deep.py", "B.py"]
    for name in names:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(name, encoding="utf-8")
    (package / "linked").symlink_to(package / "sub", target_is_directory=True)
    (package / "file_link.py").symlink_to(package / "a.py")
    (package / "broken.py").symlink_to(package / "missing.py")
    found = source_files(package)
    assert found == plain_source_files(package)
    assert "a/b.py" in found and "linked/y.txt" not in found and "broken.py" not in found


def test_the_code_fingerprint_covers_this_package() -> None:
    package = Path(fingerprint.__file__).resolve().parent
    assert source_files(package) == plain_source_files(package)


# --------------------------------------------------------------------------- Digester


plain_values = st.one_of(st.text(max_size=5), st.integers(), st.floats(allow_nan=False),
                         st.booleans(), st.none())
nested = st.recursive(
    plain_values | st.builds(Markup, st.text(max_size=3)),
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(nested)
def test_plain_containers_digest_as_the_general_walk_does(value: object) -> None:
    quick = fingerprint.Digester().of(value)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fingerprint, "_plain_text", lambda value, kind: None)
        assert fingerprint.Digester().of(value) == quick


@settings(max_examples=100, deadline=None)
@given(pages, bundle_files, static_files)
def test_entries_are_made_as_their_constructor_makes_them(
        page: SourcePage, files: tuple[str, ...], static: frozenset[str]) -> None:
    entry = _entry(page, files, static, [])
    built = Entry(**{field.name: getattr(entry, field.name)
                     for field in dataclasses.fields(Entry) if field.name != "stats"})
    assert entry == built and vars(entry) == vars(built) and repr(entry) == repr(built)
    assert list(vars(entry)) == list(vars(built))  # the same field order, pickled alike
    assert entry.stats is built.stats
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.title = "x"  # type: ignore[misc]


def test_made_wants_every_field_and_no_other() -> None:
    stats = made(BodyStats, chars=1, comment_count=2, excerpt="e", has_code=True)
    assert stats == BodyStats(1, 2, "e", True)
    with pytest.raises(TypeError):
        made(BodyStats, chars=1, comment_count=2, excerpt="e")
    with pytest.raises(TypeError):
        made(BodyStats, chars=1, comment_count=2, excerpt="e", has_code=True, extra=1)


def test_go_lower_equals_lowering_each_character() -> None:
    # every character that lowers into one, but the capital sigma: the shortcut's case
    every = "".join(char for char in map(chr, range(0x110000))
                    if not "\ud800" <= char <= "\udfff" and char != "Σ"
                    and len(char.lower()) == 1)
    assert urls._go_lower(every) == urls.go_lower_chars(every)
    for text in ("ΣΑΣ", "İstanbul", "ÀΣ x", "Straße", "ǅ"):
        assert urls._go_lower(text) == urls.go_lower_chars(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZÀΣσİıß ǅΩ漢", max_size=8))
def test_go_lower_shortcut_equals_the_character_loop(text: str) -> None:
    assert urls._go_lower(text) == urls.go_lower_chars(text)


def test_terms_are_made_as_their_constructors_make_them() -> None:
    value = term_value("tags", "Open Source")
    assert value == TermValue("Open Source", "open-source", "/tags/open-source/")
    assert list(vars(value)) == ["name", "key", "path"]
    made_term = build_taxonomy("tags", "タグ", [[value]]).terms[0]
    plain = Term(key="open-source", name="Open Source", path="/tags/open-source/", posts=(0,))
    assert made_term == plain and list(vars(made_term)) == list(vars(plain))
