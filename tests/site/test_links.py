"""Link checker: every internal link (href/src, and absolute URLs under base_url) in a built
site resolves to a file in the output directory."""

from __future__ import annotations

import posixpath
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser
from site_support import CORPUS_BASE_URL, REPO_ROOT, build, corpus_public, make_project

from hnmatome.site.urls import UrlBuilder

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                   ("source", "src"))


def _page_url(public: Path, page: Path, links: UrlBuilder) -> str:
    rel = page.relative_to(public).as_posix()
    path = rel.removesuffix("index.html")
    return links.permalink("/" + path)


def _links_in_html(page: Path) -> Iterator[str]:
    tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
    for tag, attribute in LINK_ATTRIBUTES:
        for node in tree.css(f"{tag}[{attribute}]"):
            yield node.attributes[attribute] or ""
    for node in tree.css('meta[http-equiv="refresh"]'):
        yield (node.attributes["content"] or "").split("url=", 1)[-1]


def _links_in_xml(path: Path) -> Iterator[str]:
    for element in ET.parse(path).getroot().iter():
        if element.tag.endswith("}loc") or element.tag in ("link", "guid"):
            yield (element.text or "").strip()
        if element.tag.endswith("}link") and element.get("href"):
            yield element.get("href", "")


def _target(public: Path, site_path: str) -> Path:
    path = unquote(site_path)
    if path.endswith("/"):
        path += "index.html"
    candidate = public / posixpath.normpath(path.lstrip("/") or ".")
    return candidate / "index.html" if candidate.is_dir() else candidate


def broken_links(public: Path, base_url: str) -> list[tuple[str, str]]:
    """(page, link) for every internal link that does not resolve to a file."""
    links = UrlBuilder(base_url)
    broken = []
    checked: dict[str, bool] = {}
    pages = [*public.rglob("*.html"), *public.rglob("*.xml")]
    assert pages, f"nothing built in {public}"
    for page in pages:
        found = _links_in_html(page) if page.suffix == ".html" else _links_in_xml(page)
        here = _page_url(public, page, links)
        for link in found:
            if not link or link.startswith(("#", "mailto:", "javascript:", "data:")):
                continue
            absolute = urljoin(here, link)
            site_path = links.site_path_of(absolute)
            if site_path is None:
                if urlsplit(absolute).netloc == urlsplit(links.base_url).netloc:
                    broken.append((str(page.relative_to(public)), link))  # outside base path
                continue
            if site_path not in checked:
                checked[site_path] = _target(public, site_path).is_file()
            if not checked[site_path]:
                broken.append((str(page.relative_to(public)), link))
    return broken


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own sample content, built under a project-site base path."""
    root = make_project(tmp_path_factory.mktemp("links") / "site")
    shutil.rmtree(root / "content")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    shutil.rmtree(root / "static")
    shutil.copytree(REPO_ROOT / "static", root / "static")
    build(root, base_url="https://user.github.io/blog/", drafts=True)
    return root / "public"


def test_sample_site_has_no_broken_links(sample_site: Path) -> None:
    assert (sample_site / "posts" / "index.html").exists()
    assert broken_links(sample_site, "https://user.github.io/blog/") == []


def test_link_checker_finds_a_broken_link(sample_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "public"
    shutil.copytree(sample_site, copy)
    shutil.rmtree(copy / "tags" / "ai")
    (copy / "css" / "site.css").unlink()
    broken = broken_links(copy, "https://user.github.io/blog/")
    assert any(link.startswith("/blog/tags/ai/") for _, link in broken)
    assert any(link.startswith("/blog/css/site.css") for _, link in broken)
    assert any(link == "https://user.github.io/blog/tags/ai/" for _, link in broken)


def test_corpus_site_has_no_broken_links(shared_dir: Path,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    public = corpus_public(shared_dir, tmp_path_factory)
    assert broken_links(public, CORPUS_BASE_URL) == []
