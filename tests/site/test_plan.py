"""plan.py: the files of a paginated list, and two outputs claiming one path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hnmatome.core.errors import UserError, UserErrors
from hnmatome.site import plan, urls
from hnmatome.site.plan import Output, check_collisions, pager


def plain_list_files(list_path: str, items: int, page_size: int) -> list[Output]:
    pages = max(1, -(-items // page_size))
    found = [Output(urls.output_file(urls.pager_path(list_path, number)), "term", key="tags",
                    term="x", number=number, source="tags 'x'")
             for number in range(1, pages + 1)]
    found.append(Output(urls.output_file(list_path + "page/1/"), "alias", target=list_path,
                        source="tags 'x'"))
    found.append(Output(urls.output_file(urls.feed_path(list_path)), "feed", key="tags",
                        term="x", source="the feed of tags 'x'"))
    return found


list_paths = st.sampled_from(["/tags/x/", "/posts/", "/months/2025/02/", "/", "/tags/a.b/"])


@settings(max_examples=200, deadline=None)
@given(list_paths, st.integers(min_value=0, max_value=30), st.integers(min_value=1, max_value=7))
def test_a_list_has_a_page_per_page_size_an_alias_and_a_feed(list_path: str, items: int,
                                                             page_size: int) -> None:
    made = plan._list_files(list_path, items, page_size, "term", "tags", "x", "tags 'x'",
                            "tags", "the feed of tags 'x'")
    assert made == plain_list_files(list_path, items, page_size)


@pytest.mark.parametrize("items, number, first, last, total", [
    (0, 1, 0, 0, 1), (3, 1, 1, 3, 1), (250, 1, 1, 100, 3), (250, 3, 201, 250, 3)])
def test_a_pager_knows_its_positions(items: int, number: int, first: int, last: int,
                                     total: int) -> None:
    page = pager("/tags/x/", number, items, 100)
    assert (page.first_position, page.last_position, page.total) == (first, last, total)
    assert page.prev_path == (None if number == 1 else urls.pager_path("/tags/x/", number - 1))
    assert page.next_path == (None if number == total else f"/tags/x/page/{number + 1}/")


def _problems(outputs: list[Output]) -> list[str]:
    try:
        check_collisions(outputs)
    except UserErrors as errors:
        return [str(error) for error in errors.errors]
    except UserError as error:
        return [str(error)]
    return []


def test_two_outputs_on_one_path_are_one_error_naming_both() -> None:
    problems = _problems([Output("a/index.html", "post", source="content/a.md"),
                          Output("a/index.html", "post", source="content/a/index.md")])
    assert problems == ["content/a/index.md and content/a.md both want to write a/index.html\n"
                        "  hint: rename one of them (a slug, a file name or a tag) so their "
                        "URLs differ"]


def test_a_file_in_the_way_of_a_folder_names_both() -> None:
    problems = _problems([Output("a", "static", source="static/a"),
                          Output("a/b/index.html", "post", source="content/a/b.md")])
    assert len(problems) == 1 and "static/a" in problems[0] and "as a file and a folder" \
        in problems[0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "a/b", "a/b/index.html", "c/index.html", "a/c", "b"]),
                max_size=6))
def test_outputs_that_fit_together_are_no_error(chosen: list[str]) -> None:
    outputs = [Output(path, "static", source=f"source {n}") for n, path in enumerate(chosen)]
    paths = [output.path for output in outputs]
    clash = len(set(paths)) != len(paths) or any(
        other.startswith(path + "/") for path in paths for other in paths)
    assert bool(_problems(outputs)) == clash
